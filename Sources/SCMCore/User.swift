import Foundation

public struct User: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var passwordHash: String
    public var isAdmin: Bool
    public var disabled: Bool
    public var createdAt: Date

    public init(id: Int64 = 0, name: String, passwordHash: String, isAdmin: Bool, disabled: Bool = false, createdAt: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// A row of the append-only events table: one per operation.
public struct Event: Sendable, Equatable {
    public enum Result: String, Sendable { case success, refused, failed }
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var result: Result
    public var detail: String
    public var remoteAddress: String

    public init(
        id: Int64 = 0, at: Date, actor: String, action: String, target: String = "", result: Result = .success,
        detail: String = "", remoteAddress: String = ""
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.result = result
        self.detail = detail
        self.remoteAddress = remoteAddress
    }
}

/// A purchase, renewal or refund (RULES.md §1, §3).
public struct Order: Sendable, Equatable {
    public enum Kind: String, Sendable { case purchase, renewal, refund }
    public var id: String
    public var kind: Kind
    public var userID: Int64?
    public var summary: String
    public var amount: Decimal
    public var certificateCount: Int
    public var createdAt: Date
    public var paidAt: Date?
    public var refunded: Decimal

    public init(
        id: String, kind: Kind, userID: Int64?, summary: String, amount: Decimal, certificateCount: Int,
        createdAt: Date, paidAt: Date?, refunded: Decimal = 0
    ) {
        self.id = id
        self.kind = kind
        self.userID = userID
        self.summary = summary
        self.amount = amount
        self.certificateCount = certificateCount
        self.createdAt = createdAt
        self.paidAt = paidAt
        self.refunded = refunded
    }
}

/// Applicant and organization data of an application (RULES.md §4), stored apart so that
/// cancelling privacy authorization erases it.
public struct Application: Sendable, Equatable, Codable {
    public var companyName = ""
    public var companyUnit = ""
    public var country = ""
    public var province = ""
    public var city = ""
    public var applicantName = ""
    public var applicantPhone = ""
    public var applicantEmail = ""
    public var contactName = ""
    public var contactPhone = ""
    public var contactEmail = ""

    public init() {}
}

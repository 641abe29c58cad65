import Foundation

/// What proves control of one domain of an application (RULES.md §5), and whether it has.
public struct DomainValidation: Sendable, Equatable {
    public var certificateID: String
    /// The domain as applied for (`*.example.com` stays a wildcard here).
    public var domain: String
    public var method: ValidationMethod
    public var token: String
    /// E-mail validation: the address the confirmation goes to.
    public var email: String
    public var verifiedAt: Date?

    public init(
        certificateID: String, domain: String, method: ValidationMethod, token: String, email: String = "",
        verifiedAt: Date? = nil
    ) {
        self.certificateID = certificateID
        self.domain = domain
        self.method = method
        self.token = token
        self.email = email
        self.verifiedAt = verifiedAt
    }

    /// The DNS host of the proof (`domainVerificationHost`: wildcard and `www.` use the parent).
    public func dnsHost(domainType: DomainType) -> String {
        domainVerificationHost(for: domain, domainType: domainType)
    }

    /// The CNAME target that proves the domain as well as the TXT token does.
    public var cnameTarget: String { "\(token).dnsauth.ca-validation.scm.test" }

    /// Whether `value`, one value of a `type` record at `dnsHost`, proves the domain (RULES.md
    /// §5): the token in a TXT record, or the CA's validation name in a CNAME, each compared as
    /// `DNSRecordSet.proofValue` reads it. The CA and the DNS simulator's deletion rule both ask this.
    public func isProven(byDNSValue value: String, type: DNSRecordSet.RecordType) -> Bool {
        switch type {
        case .txt: DNSRecordSet.proofValue(value, type: type) == token
        case .cname: DNSRecordSet.proofValue(value, type: type) == cnameTarget
        case .a, .aaaa, .caa: false
        }
    }

    public static let filePath = "/.well-known/pki-validation/fileauth.txt"
    /// The mailbox names a confirmation may go to (RULES.md §5 decision).
    public static let mailboxNames = ["admin", "administrator", "webmaster", "hostmaster", "postmaster"]
}

/// A DNS record set of the simulator: one per name and type (RULES.md §5).
public struct DNSRecordSet: Sendable, Equatable {
    public enum RecordType: String, CaseIterable, Sendable {
        case a = "A"
        case aaaa = "AAAA"
        case cname = "CNAME"
        case txt = "TXT"
        case caa = "CAA"
    }

    public var id: Int64
    public var zoneID: Int64
    public var name: String
    public var type: RecordType
    public var ttl: Int
    public var values: [String]
    public var savedAt: Date

    public init(
        id: Int64 = 0, zoneID: Int64, name: String, type: RecordType, ttl: Int = 300, values: [String], savedAt: Date
    ) {
        self.id = id
        self.zoneID = zoneID
        self.name = name
        self.type = type
        self.ttl = ttl
        self.values = values
        self.savedAt = savedAt
    }

    /// A record is visible to the CA only once its TTL has passed since it was saved (RULES.md §5).
    public func isVisible(at now: Date) -> Bool {
        now.timeIntervalSince(savedAt) >= TimeInterval(ttl)
    }

    /// TXT values without their quotes.
    public var unquotedValues: [String] {
        values.map(Self.unquoted)
    }

    /// A value as a proof is compared: TXT without its quotes, CNAME without the final dot.
    public static func proofValue(_ value: String, type: RecordType) -> String {
        switch type {
        case .txt: unquoted(value)
        case .cname: value.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        case .a, .aaaa, .caa: value
        }
    }

    private static func unquoted(_ value: String) -> String {
        value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : value
    }
}

public struct DNSZone: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var createdAt: Date
    public init(id: Int64 = 0, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// A message in the mailbox simulator. Following its link performs `action` once.
public struct Mail: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case none = ""
        case confirmDomain = "confirm-domain"
        case verifyOrganization = "verify-organization"
        case confirmRevocation = "confirm-revocation"
        case confirmReissue = "confirm-reissue"
    }

    public var id: Int64
    public var recipient: String
    public var subject: String
    public var body: String
    public var certificateID: String?
    public var action: Action
    public var actionToken: String
    public var actedAt: Date?
    public var readAt: Date?
    public var createdAt: Date

    public init(
        id: Int64 = 0, recipient: String, subject: String, body: String, certificateID: String? = nil,
        action: Action = .none, actionToken: String = "", createdAt: Date
    ) {
        self.id = id
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.certificateID = certificateID
        self.action = action
        self.actionToken = actionToken
        self.createdAt = createdAt
    }
}

/// A CSR of the CSR list (SCM v3 CSR object).
public struct StoredCSR: Sendable, Equatable {
    public enum Usage: String, Sendable, CaseIterable {
        case personal = "PERSONAL"
        case enterprise = "ENTERPRISE"
    }

    public var id: String
    public var name: String
    public var pem: String
    public var domainName: String
    public var sans: [String]
    public var keyAlgorithm: String
    public var usage: Usage
    public var companyCountry = ""
    public var companyProvince = ""
    public var companyCity = ""
    public var companyName = ""
    /// Nil when the CSR was uploaded without its key.
    public var sealedPrivateKey: [UInt8]?
    /// The user who made or uploaded it; nil for the system. What a project-scoped caller may
    /// act on (`Principal.ownerScope(for:)`).
    public var ownerID: Int64?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, pem: String, domainName: String, sans: [String], keyAlgorithm: String, usage: Usage,
        sealedPrivateKey: [UInt8]?, ownerID: Int64? = nil, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.pem = pem
        self.domainName = domainName
        self.sans = sans
        self.keyAlgorithm = keyAlgorithm
        self.usage = usage
        self.sealedPrivateKey = sealedPrivateKey
        self.ownerID = ownerID
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

extension Certificate.Status {
    /// The statuses in which the CA simulator has a step to take (RULES.md §3, §5).
    public static let reviewedByCA: [Certificate.Status] = [
        .checking, .checkingOrg, .issuing, .cancelChecking, .supplementChecking, .cancelSupplementing, .reissuing,
        .revoking,
    ]
}

import Foundation

/// What the certificate list asks for (the console list and `GET /v3/scm/certificates`).
public struct CertificateListQuery: Sendable, Equatable {
    public enum SortKey: String, CaseIterable, Sendable {
        case updated, expires, status, name
    }

    public var status: Certificate.Status?
    /// Substring of the name or of any domain; empty means no keyword.
    public var keyword: String
    public var enterpriseProject: String?
    public var sort: SortKey
    public var ascending: Bool
    public var offset: Int
    public var limit: Int
    /// Only certificates that can be deployed (ISSUED or UPLOAD with a key here).
    public var deployableOnly: Bool
    /// Only ISSUED or UPLOAD certificates whose expiry is within this many days of
    /// `expiringFrom` (both ends inclusive, as "Expire soon"): the overview's 7/30/60/90 links.
    public var expiresWithinDays: Int?
    /// Valid certificates plus those that expired at most this many days ago (SCM v3
    /// `expired_days_since`); certificates with no expiry yet are kept.
    public var expiredDaysSince: Int?
    /// The "now" of the time filters (`expiresWithinDays`, `expiredDaysSince`), set by the
    /// service from its clock, never by the caller.
    public var expiringFrom: Date?
    /// The enterprise projects the caller may list (RULES.md §9), set by the service from the
    /// principal's policies, never by the caller; `enterpriseProject` narrows it further.
    public var projects: ProjectScope = .everything
    public static let maximumExpiresWithinDays = 3650

    public static let pageSizes = [10, 20, 50]
    public static let maximumKeywordLength = 255

    public init(
        status: Certificate.Status? = nil, keyword: String = "", enterpriseProject: String? = nil,
        sort: SortKey = .updated, ascending: Bool = false, offset: Int = 0, limit: Int = 10,
        deployableOnly: Bool = false, expiresWithinDays: Int? = nil
    ) {
        self.status = status
        self.keyword = keyword
        self.enterpriseProject = enterpriseProject
        self.sort = sort
        self.ascending = ascending
        self.offset = offset
        self.limit = limit
        self.deployableOnly = deployableOnly
        self.expiresWithinDays = expiresWithinDays
    }

    /// The allowed page size nearest to `requested` (a user asking for 100000 gets 50).
    public static func clampedPageSize(_ requested: Int) -> Int {
        pageSizes.min(by: { abs($0 - requested) < abs($1 - requested) }) ?? 10
    }
}

/// One page of results and the total that matched.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

import Foundation
import SCMCore
import SCMStore

/// The numbers of the overview page, read in one transaction at the clock's `now`.
public struct Overview: Sendable {
    public struct Month: Sendable, Equatable {
        /// The first instant of the month, UTC.
        public let start: Date
        public let count: Int
    }

    public let now: Date
    public let statusCounts: [Certificate.Status: Int]
    /// ISSUED or UPLOAD certificates expiring within N days, for each N of `Overview.spans`.
    public let expiring: [Int: Int]
    /// The current month and the eleven after it.
    public let months: [Month]

    public static let spans = [7, 30, 60, 90]
}

public struct OverviewQueries: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public func overview(by principal: Principal) throws -> Overview {
        let now = context.clock.now
        let bounds = Self.monthStarts(from: now, count: 13)
        // Only the projects whose certificates the caller may list are counted (RULES.md §9).
        let projects = principal.permissions.projects(allowing: .certList)
        return try context.database.read { store in
            let counts = try store.countByStatus(in: projects)
            let expiring = try store.expiringCounts(now: now, withinDays: Overview.spans, in: projects)
            // The current month counts from now: an expiry earlier this month is already past.
            let perMonth = try store.expiryCounts(between: [now] + bounds.dropFirst(), in: projects)
            return Overview(
                now: now, statusCounts: counts, expiring: expiring,
                months: zip(bounds, perMonth).map { Overview.Month(start: $0, count: $1) })
        }
    }

    /// The first instant (UTC) of the month holding `now` and of the `count - 1` months after it.
    static func monthStarts(from now: Date, count: Int) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        return (0..<count).map { calendar.date(byAdding: .month, value: $0, to: first)! }
    }
}

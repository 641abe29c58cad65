import Foundation
import GRDB
import SCMCore

/// The overview page's aggregates (issue 9). Each is a count over the `(status, not_after)`
/// index, so the page costs the same with ten certificates or a million.
extension StoreReader {
    /// How many ISSUED or UPLOAD certificates expire within each of `days` of `now`, both ends
    /// inclusive: the same rows the list shows with `expires_within` (CertificateListQuery).
    public func expiringCounts(now: Date, withinDays days: [Int], in projects: ProjectScope) throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for span in days {
            counts[span] = try countExpiring(from: now, through: now + .days(Double(span)), includingEnd: true, in: projects)
        }
        return counts
    }

    /// ISSUED or UPLOAD certificates expiring in each consecutive interval `[bounds[i], bounds[i+1])`:
    /// `bounds` are the month starts of the expiry chart, so a certificate is counted in exactly one month.
    public func expiryCounts(between bounds: [Date], in projects: ProjectScope) throws -> [Int] {
        var counts: [Int] = []
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            counts.append(try countExpiring(from: start, through: end, includingEnd: false, in: projects))
        }
        return counts
    }

    private func countExpiring(from start: Date, through end: Date, includingEnd: Bool, in projects: ProjectScope) throws -> Int {
        let scope = projects.andCondition(on: "enterprise_project")
        var arguments: StatementArguments = [start.timeIntervalSince1970, end.timeIntervalSince1970]
        _ = arguments.append(contentsOf: scope.arguments)
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM certificates
                WHERE status IN ('ISSUED', 'UPLOAD') AND not_after >= ? AND not_after \(includingEnd ? "<=" : "<") ?\(scope.sql)
                """,
            arguments: arguments) ?? 0
    }
}

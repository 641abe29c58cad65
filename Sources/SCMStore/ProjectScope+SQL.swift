import GRDB
import SCMCore

extension ProjectScope {
    /// The scope as a condition on a project column: nil when every project is in it, so the
    /// common unscoped query stays exactly as fast as before; otherwise an `IN` or `NOT IN` over
    /// the few projects grants name, which SQLite checks per row with no extra lookup.
    func condition(on column: String) -> (sql: String, arguments: StatementArguments)? {
        switch self {
        case .all(let excluded):
            guard !excluded.isEmpty else { return nil }
            return ("\(column) NOT IN (\(Self.placeholders(excluded.count)))", StatementArguments(excluded.sorted()))
        case .only(let included):
            guard !included.isEmpty else { return ("0", []) }
            return ("\(column) IN (\(Self.placeholders(included.count)))", StatementArguments(included.sorted()))
        }
    }

    /// `AND <condition>` for a query that already has a `WHERE`, or nothing.
    func andCondition(on column: String) -> (sql: String, arguments: StatementArguments) {
        condition(on: column).map { (" AND " + $0.sql, $0.arguments) } ?? ("", [])
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension OwnerScope {
    /// The scope as a condition on a column holding a user id, with the ids it binds: nil when
    /// every user's rows are in it.
    func condition(on column: String) -> (sql: String, userIDs: [Int64])? {
        switch self {
        case .every: nil
        case .ownedBy(let user): ("\(column) = ?", [user])
        case .none: ("0", [])
        }
    }
}

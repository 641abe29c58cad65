import Foundation
import GRDB
import SCMCore

/// The audit log page's filters (issue 8): each one narrows the events; empty means any.
public struct AuditQuery: Sendable, Equatable {
    public var actor: String
    /// An action name, or a prefix ending in `*` (`scm:cert:*`).
    public var action: String
    public var target: String
    public var result: Event.Result?
    /// Inclusive start and exclusive end of the time range.
    public var from: Date?
    public var until: Date?
    /// Whose events the caller may read (`Principal.ownerScope(for: .auditList)`).
    public var owners: OwnerScope
    public var offset: Int
    public var limit: Int

    public init(
        actor: String = "", action: String = "", target: String = "", result: Event.Result? = nil, from: Date? = nil,
        until: Date? = nil, owners: OwnerScope = .every, offset: Int = 0, limit: Int = 50
    ) {
        self.actor = actor
        self.action = action
        self.target = target
        self.result = result
        self.from = from
        self.until = until
        self.owners = owners
        self.offset = max(0, offset)
        self.limit = min(max(1, limit), 200)
    }
}

extension StoreReader {
    /// One page of events matching `query`, newest first, and how many match in all. Every value
    /// is a bound argument; the `*` of an action prefix becomes a LIKE with `%`/`_` escaped.
    public func auditEvents(_ query: AuditQuery) throws -> (events: [Event], total: Int) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if !query.actor.isEmpty {
            clauses.append("actor = ?")
            arguments.append(query.actor)
        }
        if query.action.hasSuffix("*") {
            let prefix = String(query.action.dropLast())
            let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            clauses.append("action LIKE ? ESCAPE '\\'")
            arguments.append(escaped + "%")
        } else if !query.action.isEmpty {
            clauses.append("action = ?")
            arguments.append(query.action)
        }
        if !query.target.isEmpty {
            clauses.append("target = ?")
            arguments.append(query.target)
        }
        if let result = query.result {
            clauses.append("result = ?")
            arguments.append(result.rawValue)
        }
        if let from = query.from {
            clauses.append("at >= ?")
            arguments.append(from.timeIntervalSince1970)
        }
        if let until = query.until {
            clauses.append("at < ?")
            arguments.append(until.timeIntervalSince1970)
        }
        // Events name their actor, not the user id: the scope is matched through `users`.
        if let owners = query.owners.condition(on: "(SELECT id FROM users WHERE users.name = events.actor)") {
            clauses.append(owners.sql)
            arguments += owners.userIDs
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM events" + whereSQL, arguments: StatementArguments(arguments)) ?? 0
        let events = try Row.fetchAll(
            db, sql: "SELECT * FROM events" + whereSQL + " ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: StatementArguments(arguments + [query.limit, query.offset])
        ).map(Event.init(row:))
        return (events, total)
    }
}

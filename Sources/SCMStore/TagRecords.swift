import Foundation
import GRDB
import SCMCore

/// The tag query of `POST /v3/scm/resource_instances/action` (scm-v3.md §4.5 #25), as SQL filters.
public struct TagQuery: Sendable, Equatable {
    /// One key and the values any of which matches; no values means "the key with any value".
    public struct Condition: Sendable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    public var withoutAnyTag = false
    /// All of these keys (AND), any of each key's values.
    public var all: [Condition] = []
    /// Any of these keys (OR).
    public var any: [Condition] = []
    /// Exclude certificates having all of these keys.
    public var notAll: [Condition] = []
    /// Exclude certificates having any of these keys.
    public var notAny: [Condition] = []
    /// Substring of the certificate name (`matches` with key `resource_name`).
    public var nameContains: String?
    public var offset = 0
    public var limit = 10
    /// The enterprise projects the caller may list, set by the service (see `CertificateListQuery.projects`).
    public var projects: ProjectScope = .everything

    public init() {}
}

extension StoreReader {
    /// Every tag key in use on the certificates of `projects` with its distinct values, keys and
    /// values sorted.
    public func allTags(in projects: ProjectScope) throws -> [(key: String, values: [String])] {
        var result: [(key: String, values: [String])] = []
        let scope = projects.andCondition(on: "c.enterprise_project")
        let sql = """
            SELECT DISTINCT t.key, t.value FROM certificate_tags t JOIN certificates c ON c.id = t.certificate_id
            WHERE 1\(scope.sql) ORDER BY t.key, t.value
            """
        for row in try Row.fetchAll(db, sql: sql, arguments: scope.arguments) {
            let key: String = row["key"]
            let value: String = row["value"]
            if result.last?.key == key { result[result.count - 1].values.append(value) } else { result.append((key, [value])) }
        }
        return result
    }

    /// One page of the certificates the tag query selects, and the total.
    public func certificates(matching query: TagQuery) throws -> Page<Certificate> {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        func has(_ condition: TagQuery.Condition) -> String {
            _ = arguments.append(contentsOf: [condition.key])
            var sql = "EXISTS (SELECT 1 FROM certificate_tags t WHERE t.certificate_id = c.id AND t.key = ?"
            if !condition.values.isEmpty {
                sql += " AND t.value IN (" + condition.values.map { _ in "?" }.joined(separator: ", ") + ")"
                _ = arguments.append(contentsOf: StatementArguments(condition.values))
            }
            return sql + ")"
        }
        if query.withoutAnyTag {
            conditions.append("NOT EXISTS (SELECT 1 FROM certificate_tags t WHERE t.certificate_id = c.id)")
        } else {
            if !query.all.isEmpty { conditions.append("(" + query.all.map(has).joined(separator: " AND ") + ")") }
            if !query.any.isEmpty { conditions.append("(" + query.any.map(has).joined(separator: " OR ") + ")") }
            if !query.notAll.isEmpty { conditions.append("NOT (" + query.notAll.map(has).joined(separator: " AND ") + ")") }
            if !query.notAny.isEmpty { conditions.append("NOT (" + query.notAny.map(has).joined(separator: " OR ") + ")") }
        }
        if let name = query.nameContains, !name.isEmpty {
            conditions.append("c.name LIKE ? ESCAPE '\\'")
            _ = arguments.append(contentsOf: ["%" + Self.escapeLike(name) + "%"])
        }
        if let scope = query.projects.condition(on: "c.enterprise_project") {
            conditions.append(scope.sql)
            _ = arguments.append(contentsOf: scope.arguments)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM certificates c \(whereClause)", arguments: arguments) ?? 0
        _ = arguments.append(contentsOf: [query.limit, query.offset])
        let rows = try Row.fetchAll(
            db, sql: "SELECT c.* FROM certificates c \(whereClause) ORDER BY c.seq LIMIT ? OFFSET ?", arguments: arguments)
        return Page(items: rows.map(Certificate.init(row:)), total: total)
    }
}

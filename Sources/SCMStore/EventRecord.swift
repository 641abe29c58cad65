import Foundation
import GRDB
import SCMCore

extension Event {
    init(row: Row) {
        self.init(
            id: row["id"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: row["action"],
            target: row["target"], result: Result(rawValue: row["result"]) ?? .success, detail: row["detail"],
            remoteAddress: row["remote_address"])
    }
}

extension Order {
    init(row: Row) {
        self.init(
            id: row["id"], kind: Kind(rawValue: row["kind"]) ?? .purchase, userID: row["user_id"],
            summary: row["summary"], amount: Decimal(row["amount_cents"] as Int64) / 100,
            certificateCount: row["certificate_count"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            paidAt: (row["paid_at"] as Double?).map { Date(timeIntervalSince1970: $0) },
            refunded: Decimal(row["refunded_cents"] as Int64) / 100)
    }
}

func cents(_ amount: Decimal) -> Int64 { NSDecimalNumber(decimal: amount * 100).int64Value }

extension StoreReader {
    /// The operations done on one target, newest first (the details page's history).
    public func events(target: String, limit: Int = 100) throws -> [Event] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM events WHERE target = ? ORDER BY id DESC LIMIT ?", arguments: [target, limit]
        ).map(Event.init(row:))
    }

    public func recentEvents(limit: Int = 100) throws -> [Event] {
        try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Event.init(row:))
    }

    public func order(id: String) throws -> Order? {
        try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(Order.init(row:))
    }

    /// The newest orders of the buyers in `scope`.
    public func orders(scope: OwnerScope, limit: Int = 200) throws -> [Order] {
        let owners = scope.condition(on: "user_id")
        let arguments = StatementArguments((owners?.userIDs ?? []) + [Int64(limit)])
        return try Row.fetchAll(
            db, sql: "SELECT * FROM orders\(owners.map { " WHERE " + $0.sql } ?? "") ORDER BY created_at DESC LIMIT ?",
            arguments: arguments
        ).map(Order.init(row:))
    }
}

extension StoreWriter {
    /// Appends one audit event, chained to the one before it (`prev_hash`, `hash`) so an edited
    /// or removed row breaks the chain (`StoreReader.verifyAuditChain`). Writers are serialized,
    /// so the last hash read here is the one this row follows.
    public func append(_ event: Event) throws {
        let previous = try String.fetchOne(db, sql: "SELECT hash FROM events ORDER BY id DESC LIMIT 1") ?? ""
        let at = event.at.timeIntervalSince1970
        let hash = AuditHash.link(
            previous: previous, at: at, actor: event.actor, action: event.action, target: event.target,
            result: event.result.rawValue, detail: event.detail, remoteAddress: event.remoteAddress)
        try db.execute(
            sql: """
                INSERT INTO events (at, actor, action, target, result, detail, remote_address, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                at, event.actor, event.action, event.target, event.result.rawValue, event.detail, event.remoteAddress,
                previous, hash,
            ])
    }

    public func insert(_ order: Order) throws {
        try db.execute(
            sql: """
                INSERT INTO orders (id, kind, user_id, summary, amount_cents, certificate_count, created_at, paid_at, refunded_cents)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                order.id, order.kind.rawValue, order.userID, order.summary, cents(order.amount), order.certificateCount,
                order.createdAt.timeIntervalSince1970, order.paidAt?.timeIntervalSince1970, cents(order.refunded),
            ])
    }
}

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

    /// One page of a certificate's History, newest first, and how many events it holds: the
    /// events on it, and the purchase that made it, which is logged against its order (Buy) or,
    /// for a renewal, against the certificate it renews with the renewal's id as the detail
    /// (Renew, auto-renewal, the next year of a multi-year subscription).
    public func history(of certificate: Certificate, offset: Int = 0, limit: Int = 100) throws -> Page<Event> {
        let condition = """
            target = :id
               OR (target = :order AND action = 'scm:cert:buy')
               OR (target = :original AND detail = :id
                   AND action IN ('scm:cert:renew', 'scm:cert:auto-renew', 'scm:cert:stack-renew'))
            """
        let arguments: StatementArguments = [
            "id": certificate.id, "order": certificate.orderID, "original": certificate.renewalOf, "limit": limit,
            "offset": offset,
        ]
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE \(condition)", arguments: arguments) ?? 0
        let items = try Row.fetchAll(
            db, sql: "SELECT * FROM events WHERE \(condition) ORDER BY id DESC LIMIT :limit OFFSET :offset", arguments: arguments
        ).map(Event.init(row:))
        return Page(items: items, total: total)
    }

    public func recentEvents(limit: Int = 100) throws -> [Event] {
        try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id DESC LIMIT ?", arguments: [limit]).map(
            Event.init(row:))
    }

    public func order(id: String) throws -> Order? {
        try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(Order.init(row:))
    }

    /// One page of the orders of the buyers in `scope`, newest first, and how many there are.
    public func orders(scope: OwnerScope, offset: Int = 0, limit: Int = 200) throws -> Page<Order> {
        let owners = scope.condition(on: "user_id")
        let condition = owners.map { " WHERE " + $0.sql } ?? ""
        let ownerIDs = StatementArguments(owners?.userIDs ?? [])
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM orders\(condition)", arguments: ownerIDs) ?? 0
        let items = try Row.fetchAll(
            db, sql: "SELECT * FROM orders\(condition) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            arguments: ownerIDs + [limit, offset]
        ).map(Order.init(row:))
        return Page(items: items, total: total)
    }
}

extension StoreWriter {
    /// Appends one audit event, chained to the one before it (`prev_hash`, `hash`) so an edited
    /// or removed row breaks the chain, and sealed (`AuditSeal`): numbered one past the newest
    /// event in the database or the anchor, whichever is further, and MACed, so a chain
    /// recomputed without the key or rows cut off the end show (`AppDatabase.verifyAuditChain`).
    /// Writers are serialized, so the last row read here is the one this row follows.
    public func append(_ event: Event) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY id DESC LIMIT 1")
        let previous: String = last?["hash"] ?? ""
        let sequence = max(last?["seq"] ?? 0, try auditSeal.anchor()?.sequence ?? 0) + 1
        let at = event.at.timeIntervalSince1970
        let hash = AuditHash.link(
            previous: previous, at: at, actor: event.actor, action: event.action, target: event.target,
            result: event.result.rawValue, detail: event.detail, remoteAddress: event.remoteAddress)
        let mac = auditSeal.mac(sequence: sequence, hash: hash)
        try db.execute(
            sql: """
                INSERT INTO events (at, actor, action, target, result, detail, remote_address, prev_hash, hash, seq, mac)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                at, event.actor, event.action, event.target, event.result.rawValue, event.detail, event.remoteAddress,
                previous, hash, sequence, mac,
            ])
        // The anchor moves only once the event is really there.
        let seal = auditSeal
        db.afterNextTransaction(onCommit: { _ in seal.advanceAnchor(to: AuditSeal.Anchor(sequence: sequence, mac: mac))
            })
    }

    /// Seals the events recorded before the seal existed, once: only while no event carries a MAC
    /// and no anchor was ever written (afterwards an unsealed row is tampering, which
    /// `verifyAuditChain` reports) and only when their plain hash chain verifies.
    func sealUnsealedLog() throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE mac IS NOT NULL)") == false,
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM events)") == true,
            try auditSeal.anchor() == nil,
            case .intact = try reader.verifyAuditChain(sealedBy: nil)
        else { return }
        try db.execute(sql: "DROP TRIGGER events_no_update")
        var anchor = AuditSeal.Anchor(sequence: 0, mac: "")
        for row in try Row.fetchAll(db, sql: "SELECT id, hash FROM events ORDER BY id") {
            anchor = AuditSeal.Anchor(
                sequence: anchor.sequence + 1, mac: auditSeal.mac(sequence: anchor.sequence + 1, hash: row["hash"]))
            try db.execute(
                sql: "UPDATE events SET seq = ?, mac = ? WHERE id = ?",
                arguments: [anchor.sequence, anchor.mac, row["id"] as Int64])
        }
        try db.execute(sql: AppDatabase.eventsNoUpdateTrigger)
        let seal = auditSeal
        let head = anchor
        db.afterNextTransaction(onCommit: { _ in seal.advanceAnchor(to: head) })
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

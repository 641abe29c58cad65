import Foundation
import GRDB

/// A user's webhook for one event type (a message kind: CERT_EXPIRING, CERT_EXPIRED, AUTO_RENEWAL).
public struct Webhook: Sendable, Equatable {
    public var userID: Int64
    public var eventType: String
    public var url: String

    public init(userID: Int64, eventType: String, url: String) {
        self.userID = userID
        self.eventType = eventType
        self.url = url
    }
}

/// One POST owed to a webhook: its payload, attempts and outcome (the delivery log).
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable { case pending, delivered, failed }

    public var id: Int64
    public var userID: Int64
    public var messageID: Int64
    public var eventType: String
    public var url: String
    public var payload: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastResult: String
    public var createdAt: Date
    public var finishedAt: Date?
}

/// A text message of the simulated SMS gateway.
public struct SMS: Sendable, Equatable {
    public var id: Int64
    public var phone: String
    public var text: String
    public var certificateID: String?
    public var createdAt: Date

    public init(id: Int64 = 0, phone: String, text: String, certificateID: String?, createdAt: Date) {
        self.id = id
        self.phone = phone
        self.text = text
        self.certificateID = certificateID
        self.createdAt = createdAt
    }
}

/// The messages whose read state a user's reading changes: their own, and for an administrator
/// also those of nobody (certificates without an owner), whom only administrators read. Another
/// user's messages stay unread until that user reads them, whoever else looked at them.
public struct Inbox: Sendable, Equatable {
    public let userID: Int64
    public let includesUnowned: Bool

    public init(userID: Int64, isAdmin: Bool) {
        self.userID = userID
        self.includesUnowned = isAdmin
    }

    /// Whether `message` is in this inbox.
    public func holds(_ message: Message) -> Bool {
        message.userID == userID || (includesUnowned && message.userID == nil)
    }
}

extension StoreReader {
    /// Unread messages of `inbox`: the header badge. On the partial index `messages_unread`.
    public func unreadMessageCount(in inbox: Inbox) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: "SELECT count(*) FROM messages WHERE read_at IS NULL AND (user_id = ? OR (? AND user_id IS NULL))"),
            arguments: [inbox.userID, inbox.includesUnowned]) ?? 0
    }

    public func message(id: Int64) throws -> Message? {
        try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [id]).map(Message.init(row:))
    }

    public func webhooks(userID: Int64) throws -> [Webhook] {
        try Row.fetchAll(db, sql: "SELECT * FROM webhooks WHERE user_id = ? ORDER BY event_type", arguments: [userID]).map {
            Webhook(userID: $0["user_id"], eventType: $0["event_type"], url: $0["url"])
        }
    }

    /// The delivery log of `userID` (every user's when nil), newest first: `limit` deliveries
    /// after skipping `offset`.
    public func webhookDeliveries(userID: Int64?, offset: Int = 0, limit: Int = 200) throws -> [WebhookDelivery] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM webhook_deliveries WHERE user_id IS ? OR ? IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: [userID, userID, limit, offset]
        ).map(WebhookDelivery.init(row:))
    }

    public func webhookDeliveryCount(userID: Int64?) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM webhook_deliveries WHERE user_id IS ? OR ? IS NULL", arguments: [userID, userID]) ?? 0
    }

    /// Pending deliveries whose next attempt is due, oldest first.
    public func dueWebhookDeliveries(now: Date, limit: Int = 20) throws -> [WebhookDelivery] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            arguments: [now.timeIntervalSince1970, limit]
        ).map(WebhookDelivery.init(row:))
    }

    public func smsCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sms_outbox") ?? 0
    }

    /// The texts sent, newest first: `limit` of them after skipping `offset`.
    public func smsOutbox(offset: Int = 0, limit: Int = 200) throws -> [SMS] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM sms_outbox ORDER BY id DESC LIMIT ? OFFSET ?", arguments: [limit, offset]
        ).map {
            SMS(id: $0["id"], phone: $0["phone"], text: $0["text"], certificateID: $0["certificate_id"],
                createdAt: Date(timeIntervalSince1970: $0["created_at"]))
        }
    }
}

extension WebhookDelivery {
    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], messageID: row["message_id"], eventType: row["event_type"], url: row["url"],
            payload: row["payload"], state: State(rawValue: row["state"]) ?? .failed, attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastResult: row["last_result"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            finishedAt: (row["finished_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }
}

extension StoreWriter {
    /// Marks the messages of `inbox` read; returns how many changed.
    @discardableResult
    public func markAllMessagesRead(in inbox: Inbox, at: Date) throws -> Int {
        try db.execute(
            sql: "UPDATE messages SET read_at = ? WHERE read_at IS NULL AND (user_id = ? OR (? AND user_id IS NULL))",
            arguments: [at.timeIntervalSince1970, inbox.userID, inbox.includesUnowned])
        return db.changesCount
    }

    /// Sets or (with an empty URL) removes the webhook of one user and event type.
    public func saveWebhook(userID: Int64, eventType: String, url: String, at: Date) throws {
        if url.isEmpty {
            try db.execute(sql: "DELETE FROM webhooks WHERE user_id = ? AND event_type = ?", arguments: [userID, eventType])
        } else {
            try db.execute(
                sql: "INSERT OR REPLACE INTO webhooks (user_id, event_type, url, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [userID, eventType, url, at.timeIntervalSince1970])
        }
    }

    /// Queues a POST of `message` to its owner's webhook for its kind, if there is one; called
    /// by `insert(_ message:)` so the message and its delivery commit together.
    func enqueueWebhookDelivery(for message: Message, id: Int64) throws {
        guard let userID = message.userID,
            let url = try String.fetchOne(
                db, sql: "SELECT url FROM webhooks WHERE user_id = ? AND event_type = ?", arguments: [userID, message.kind])
        else { return }
        let body: [String: Any] = [
            "event_type": message.kind, "message_id": id, "certificate_id": message.certificateID ?? NSNull(),
            "title": message.title, "body": message.body,
            "created_at": ISO8601DateFormatter().string(from: message.createdAt),
        ]
        let payload = String(
            decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO webhook_deliveries (user_id, message_id, event_type, url, payload, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                userID, id, message.kind, url, payload, message.createdAt.timeIntervalSince1970,
                message.createdAt.timeIntervalSince1970,
            ])
    }

    /// Records one attempt: delivered, failed for good, or pending again at `nextAttemptAt`.
    public func recordWebhookAttempt(
        id: Int64, state: WebhookDelivery.State, result: String, nextAttemptAt: Date, at: Date
    ) throws {
        try db.execute(
            sql: """
                UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, last_result = ?, next_attempt_at = ?,
                    finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END
                WHERE id = ? AND state = 'pending'
                """,
            arguments: [
                state.rawValue, result, nextAttemptAt.timeIntervalSince1970, state.rawValue, at.timeIntervalSince1970, id,
            ])
    }

    public func send(_ sms: SMS) throws {
        try db.execute(
            sql: "INSERT INTO sms_outbox (phone, text, certificate_id, created_at) VALUES (?, ?, ?, ?)",
            arguments: [sms.phone, sms.text, sms.certificateID, sms.createdAt.timeIntervalSince1970])
    }

    /// Removes the text messages sent about a certificate: each carries the applicant's phone.
    public func deleteSMS(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM sms_outbox WHERE certificate_id = ?", arguments: [certificateID])
    }
}

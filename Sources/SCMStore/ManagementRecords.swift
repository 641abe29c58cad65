import Foundation
import GRDB
import SCMCore

/// A message of the message center (RULES.md §6: expiry reminders; auto-renewal notices).
public struct Message: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64?
    public var certificateID: String?
    public var kind: String
    public var title: String
    public var body: String
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: Int64 = 0, userID: Int64?, certificateID: String?, kind: String, title: String, body: String,
        createdAt: Date,
        readAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.certificateID = certificateID
        self.kind = kind
        self.title = title
        self.body = body
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// Whose certificates a reminder query covers: one user's, or those of everyone not listed.
public enum ReminderOwners: Sendable, Equatable {
    case user(Int64)
    case everyoneBut([Int64])
}

/// Where a walk through the reminder candidates stopped: the last certificate it read.
public struct ReminderCursor: Sendable, Equatable {
    public var notAfter: Date
    public var id: String

    public init(notAfter: Date, id: String) {
        self.notAfter = notAfter
        self.id = id
    }
}

/// The names of an "Add additional domain" request under review, and where its notices go.
public struct DomainAdditionRequest: Sendable, Equatable {
    public var certificateID: String
    public var domains: [String]
    public var email: String
    public var requestedAt: Date

    public init(certificateID: String, domains: [String], email: String, requestedAt: Date) {
        self.certificateID = certificateID
        self.domains = domains
        self.email = email
        self.requestedAt = requestedAt
    }
}

extension StoreReader {
    /// The owner of a certificate (who gets its messages), nil for seeded or system rows.
    public func ownerID(certificateID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT owner_id FROM certificates WHERE id = ?", arguments: [certificateID])
    }

    public func userName(id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [id])
    }

    /// The reminder ladders in force (RULES.md §6, issue 9): one for each user who saved their
    /// own settings, RULES.md §6's for the certificates of everyone else and of nobody.
    public func reminderLadders() throws -> [(owners: ReminderOwners, settings: ReminderSettings)] {
        let customized = try Int64.fetchAll(db, sql: "SELECT user_id FROM notification_settings ORDER BY user_id")
        return try customized.map { (ReminderOwners.user($0), try reminderSettings(userID: $0)) }
            + [(.everyoneBut(customized), .default)]
    }

    /// ISSUED, UPLOAD and EXPIRED certificates of `owners` whose reminder due at `now` under
    /// `settings` (`ReminderSettings.dueStep`) is not yet in `reminders_sent`, in expiry order,
    /// after `cursor`. Certificates already reminded drop out here, so a pass reaches every
    /// certificate that waits, however many were reminded before them.
    public func certificatesAwaitingReminder(
        settings: ReminderSettings, owners: ReminderOwners, now: Date, after cursor: ReminderCursor?, limit: Int
    ) throws -> [Certificate] {
        let at = now.timeIntervalSince1970
        // The due step's key, as dueStep picks it: the step with the fewest days whose time has come.
        var dueKey = "CASE"
        var dueKeyArguments: StatementArguments = []
        for step in settings.steps.reversed() {
            dueKey += " WHEN not_after <= ? THEN ?"
            _ = dueKeyArguments.append(contentsOf: [at + Double(step.days) * 86_400, step.key])
        }
        dueKey += " END"
        let horizon = at + Double(settings.ladder.first ?? 0) * 86_400
        // The notice on the day goes out at most a day late (dueStep).
        var arguments: StatementArguments = [at - 86_400, horizon]
        // The partial index walks the candidates in cursor order; without INDEXED BY the planner
        // may prefer (status, not_after) and sort what is left of the horizon for every batch.
        var sql = """
            SELECT * FROM certificates INDEXED BY certificates_reminder_candidates
            WHERE status IN ('ISSUED', 'UPLOAD', 'EXPIRED') AND not_after >= ? AND not_after <= ?
            """
        if let cursor {
            sql += " AND (not_after, id) > (?, ?)"
            _ = arguments.append(contentsOf: [cursor.notAfter.timeIntervalSince1970, cursor.id])
        }
        switch owners {
        case .user(let id):
            sql += " AND owner_id = ?"
            _ = arguments.append(contentsOf: [id])
        case .everyoneBut(let ids) where !ids.isEmpty:
            sql +=
                " AND (owner_id IS NULL OR owner_id NOT IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", "))))"
            _ = arguments.append(contentsOf: StatementArguments(ids))
        case .everyoneBut:
            break
        }
        sql += """
             AND NOT EXISTS (
                SELECT 1 FROM reminders_sent WHERE reminders_sent.certificate_id = certificates.id AND reminder = \(dueKey))
            ORDER BY not_after, id LIMIT ?
            """
        _ = arguments.append(contentsOf: dueKeyArguments + [limit])
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Certificate.init(row:))
    }

    /// ISSUED and UPLOAD certificates past their expiry (RULES.md §6).
    public func certificatesPastExpiry(now: Date, limit: Int = 500) throws -> [Certificate] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM certificates WHERE status IN ('ISSUED', 'UPLOAD') AND not_after < ? ORDER BY not_after LIMIT ?",
            arguments: [now.timeIntervalSince1970, limit]
        ).map(Certificate.init(row:))
    }

    /// ISSUED certificates whose renewal is due from the scheduler: auto-renewal on, or a
    /// multi-year stack with years left, expiring before `horizon`, not yet renewed (RULES.md §1, §3).
    public func certificatesDueForAutomaticRenewal(horizon: Date, now: Date, limit: Int = 200) throws -> [Certificate] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM certificates
                WHERE status = 'ISSUED' AND renewed_by IS NULL AND (auto_renew = 1 OR validity_years > 1)
                  AND origin = 'purchased' AND price_cents > 0
                  AND not_after <= ? AND not_after >= ?
                ORDER BY not_after LIMIT ?
                """,
            arguments: [horizon.timeIntervalSince1970, now.timeIntervalSince1970, limit]
        ).map(Certificate.init(row:))
    }

    public func remindersSent(certificateID: String) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db, sql: "SELECT reminder FROM reminders_sent WHERE certificate_id = ?", arguments: [certificateID]))
    }

    /// `userID`'s messages (nil: everyone's), newest first: `limit` of them after skipping `offset`.
    public func messages(userID: Int64?, offset: Int = 0, limit: Int = 200) throws -> [Message] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM messages WHERE user_id IS ? OR ? IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: [userID, userID, limit, offset]
        ).map(Message.init(row:))
    }

    public func messageCount(userID: Int64?) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM messages WHERE user_id IS ? OR ? IS NULL", arguments: [userID, userID]) ?? 0
    }

    public func messages(certificateID: String) throws -> [Message] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM messages WHERE certificate_id = ? ORDER BY id", arguments: [certificateID]
        )
        .map(Message.init(row:))
    }

    public func domainAddition(certificateID: String) throws -> DomainAdditionRequest? {
        try Row.fetchOne(db, sql: "SELECT * FROM domain_additions WHERE certificate_id = ?", arguments: [certificateID])
            .map {
                DomainAdditionRequest(
                    certificateID: $0["certificate_id"], domains: Certificate.splitDomains($0["domains"]),
                    email: $0["email"],
                    requestedAt: Date(timeIntervalSince1970: $0["requested_at"]))
            }
    }

    public func isRevoked(serialNumber: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM revoked_serials WHERE serial_number = ?", arguments: [serialNumber])
            ?? false
    }

    /// The mail of `action` about a certificate that waits to be answered, newest first.
    public func unansweredMail(certificateID: String, action: Mail.Action) throws -> Mail? {
        try Row.fetchOne(
            db,
            sql:
                "SELECT * FROM mails WHERE certificate_id = ? AND action = ? AND acted_at IS NULL ORDER BY id DESC LIMIT 1",
            arguments: [certificateID, action.rawValue]
        ).map(Mail.init(row:))
    }
}

extension Message {
    init(row: Row) {
        self.init(
            id: row["id"], userID: row["user_id"], certificateID: row["certificate_id"], kind: row["kind"],
            title: row["title"],
            body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            readAt: (row["read_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }
}

extension StoreWriter {
    /// Removes a certificate for good only if it is still in `expectedStatus` (compare-and-set);
    /// its materials, application, validations, draft and tags go with it (ON DELETE CASCADE).
    /// A renewal removed before use frees its original to be renewed again.
    public func deleteCertificate(id: String, expectedStatus: Certificate.Status) throws {
        try db.execute(
            sql: "DELETE FROM certificates WHERE id = ? AND status = ?", arguments: [id, expectedStatus.rawValue])
        if db.changesCount == 0 { throw StaleState(id: id, expected: expectedStatus.rawValue) }
        try db.execute(sql: "UPDATE certificates SET renewed_by = NULL WHERE renewed_by = ?", arguments: [id])
    }

    /// Adds `amount` to an order's refunded total.
    public func recordRefund(orderID: String, amount: Decimal) throws {
        try db.execute(
            sql: "UPDATE orders SET refunded_cents = refunded_cents + ? WHERE id = ?",
            arguments: [cents(amount), orderID])
    }

    /// Records one reminder; false when it was already sent (the primary key refuses a second).
    public func markReminderSent(certificateID: String, reminder: String, at: Date) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO reminders_sent (certificate_id, reminder, sent_at) VALUES (?, ?, ?)",
            arguments: [certificateID, reminder, at.timeIntervalSince1970])
        return db.changesCount == 1
    }

    @discardableResult
    public func insert(_ message: Message) throws -> Int64 {
        try db.execute(
            sql:
                "INSERT INTO messages (user_id, certificate_id, kind, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                message.userID, message.certificateID, message.kind, message.title, message.body,
                message.createdAt.timeIntervalSince1970,
            ])
        let id = db.lastInsertedRowID
        try enqueueWebhookDelivery(for: message, id: id)
        return id
    }

    public func markMessageRead(id: Int64, at: Date) throws {
        try db.execute(
            sql: "UPDATE messages SET read_at = coalesce(read_at, ?) WHERE id = ?",
            arguments: [at.timeIntervalSince1970, id])
    }

    public func save(_ addition: DomainAdditionRequest) throws {
        try db.execute(
            sql:
                "INSERT OR REPLACE INTO domain_additions (certificate_id, domains, email, requested_at) VALUES (?, ?, ?, ?)",
            arguments: [
                addition.certificateID, addition.domains.joined(separator: ";"), addition.email,
                addition.requestedAt.timeIntervalSince1970,
            ])
    }

    public func deleteDomainAddition(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM domain_additions WHERE certificate_id = ?", arguments: [certificateID])
    }

    /// Adds proofs for new domains beside the ones already proven (Add additional domain).
    public func addValidations(_ validations: [DomainValidation]) throws {
        for v in validations {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO domain_validations (certificate_id, domain, method, token, email, verified_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    v.certificateID, v.domain, v.method.rawValue, v.token, v.email, v.verifiedAt?.timeIntervalSince1970,
                ])
        }
    }

    public func deleteValidations(certificateID: String, domains: [String]) throws {
        for domain in domains {
            try db.execute(
                sql: "DELETE FROM domain_validations WHERE certificate_id = ? AND domain = ?",
                arguments: [certificateID, domain])
        }
    }

    public func deleteValidations(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM domain_validations WHERE certificate_id = ?", arguments: [certificateID])
    }

    /// The CA's record that a certificate it issued is revoked (RULES.md §3 Revoke, Reissue).
    public func recordRevocation(serialNumber: String, certificateID: String, reason: String, at: Date) throws {
        guard !serialNumber.isEmpty else { return }
        try db.execute(
            sql:
                "INSERT OR IGNORE INTO revoked_serials (serial_number, certificate_id, reason, revoked_at) VALUES (?, ?, ?, ?)",
            arguments: [serialNumber, certificateID, reason, at.timeIntervalSince1970])
    }

    /// Privacy cancellation (RULES.md §3): the CA's mails about the certificate carry the
    /// applicant's address, name and company, so they go with the application.
    public func deleteMails(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM mails WHERE certificate_id = ?", arguments: [certificateID])
    }
}

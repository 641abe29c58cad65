import Foundation
import GRDB
import SCMCore

extension StoreReader {
    /// The user's reminder settings, RULES.md §6's defaults when they never saved any (or for
    /// certificates without an owner). A stored row was validated when saved; one that no
    /// longer validates (a rule tightened since) falls back to the defaults rather than
    /// silencing the reminders.
    public func reminderSettings(userID: Int64?) throws -> ReminderSettings {
        guard let userID,
            let row = try Row.fetchOne(db, sql: "SELECT * FROM notification_settings WHERE user_id = ?", arguments: [userID])
        else { return .default }
        return
            (try? ReminderSettings(
                ladder: row["ladder"], expiringTitle: row["expiring_title"], expiringBody: row["expiring_body"],
                expiredTitle: row["expired_title"], expiredBody: row["expired_body"])) ?? .default
    }
}

extension StoreWriter {
    public func save(_ settings: ReminderSettings, userID: Int64, at now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO notification_settings
                    (user_id, ladder, expiring_title, expiring_body, expired_title, expired_body, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET ladder = excluded.ladder, expiring_title = excluded.expiring_title,
                    expiring_body = excluded.expiring_body, expired_title = excluded.expired_title,
                    expired_body = excluded.expired_body, updated_at = excluded.updated_at
                """,
            arguments: [
                userID, settings.ladderText, settings.expiringTitle, settings.expiringBody, settings.expiredTitle,
                settings.expiredBody, now.timeIntervalSince1970,
            ])
    }

    public func resetReminderSettings(userID: Int64) throws {
        try db.execute(sql: "DELETE FROM notification_settings WHERE user_id = ?", arguments: [userID])
    }
}

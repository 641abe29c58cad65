import GRDB

extension AppDatabase {
    /// Each user's reminder ladder and message templates (issue 9). No row means RULES.md §6's
    /// defaults (`ReminderSettings.default`), so existing users need no data migration.
    static func migrateNotificationSettings(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE notification_settings (
                user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                ladder TEXT NOT NULL,
                expiring_title TEXT NOT NULL,
                expiring_body TEXT NOT NULL,
                expired_title TEXT NOT NULL,
                expired_body TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            """)
    }
}

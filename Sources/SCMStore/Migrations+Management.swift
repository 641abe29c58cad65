import GRDB

extension AppDatabase {
    /// Managing issued certificates (issue 5): the message center, the reminders already sent,
    /// pending domain additions and the CA's record of revoked certificates.
    static func migrateManagement(_ db: Database) throws {
        try db.execute(sql: """
            -- The message center: expiry reminders and notices about automatic renewals.
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                certificate_id TEXT,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at REAL NOT NULL,
                read_at REAL
            );
            CREATE INDEX messages_user ON messages(user_id, id);

            -- Each expiry reminder of RULES.md §6 is sent once, ever: the primary key makes a
            -- second insert fail, across restarts and scheduler hosts.
            CREATE TABLE reminders_sent (
                certificate_id TEXT NOT NULL,
                reminder TEXT NOT NULL,
                sent_at REAL NOT NULL,
                PRIMARY KEY (certificate_id, reminder)
            );

            -- "Add additional domain": the names under review and the address for the notices.
            CREATE TABLE domain_additions (
                certificate_id TEXT PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE,
                domains TEXT NOT NULL,
                email TEXT NOT NULL,
                requested_at REAL NOT NULL
            );

            -- The CA's revocation records: serial numbers of certificates it revoked (a revoked
            -- certificate, or the old certificate replaced by a reissue).
            CREATE TABLE revoked_serials (
                serial_number TEXT PRIMARY KEY,
                certificate_id TEXT NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                revoked_at REAL NOT NULL
            );
            """)
    }

    /// The reminder pass walks the certificates that can be reminded of (RULES.md §6) in expiry
    /// order with a (not_after, id) cursor; this index holds only those, so a pass over a large
    /// database reads the few inside the ladder's horizon and nothing else.
    static func migrateReminderCandidates(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX certificates_reminder_candidates ON certificates(not_after, id)
                WHERE status IN ('ISSUED', 'UPLOAD', 'EXPIRED');
            """)
    }
}

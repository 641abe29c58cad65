import GRDB

extension AppDatabase {
    /// The message center's read state, webhooks and SMS outbox (issue 9, RULES.md §6).
    static func migrateMessageCenter(_ db: Database) throws {
        try db.execute(sql: """
            -- The header badge counts unread messages on every page: a partial index keeps that
            -- one query as cheap as the number of unread rows, not the whole table.
            CREATE INDEX messages_unread ON messages(user_id) WHERE read_at IS NULL;

            -- One optional webhook per user and event type (a message kind).
            CREATE TABLE webhooks (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                event_type TEXT NOT NULL,
                url TEXT NOT NULL,
                updated_at REAL NOT NULL,
                PRIMARY KEY (user_id, event_type)
            );

            -- Each POST owed to a webhook and what became of it: queued in the transaction that
            -- writes the message, sent by the scheduler with backoff, never inside a request.
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                message_id INTEGER NOT NULL,
                event_type TEXT NOT NULL,
                url TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending',
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                last_result TEXT NOT NULL DEFAULT '',
                created_at REAL NOT NULL,
                finished_at REAL
            );
            CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
            CREATE INDEX webhook_deliveries_user ON webhook_deliveries(user_id, id);

            -- The simulated SMS gateway: reminders by text message (RULES.md §6).
            CREATE TABLE sms_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                phone TEXT NOT NULL,
                text TEXT NOT NULL,
                certificate_id TEXT,
                created_at REAL NOT NULL
            );
            """)
    }
}

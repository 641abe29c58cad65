import GRDB

extension AppDatabase {
    /// Access keys of the SCM v3 API (issue 7): the secret key is stored sealed with the master
    /// key, never in clear, because the server needs it back to recompute each signature.
    static func migrateAccessKeys(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE access_keys (
                ak TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                sealed_sk BLOB NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                created_at REAL NOT NULL,
                last_used_at REAL
            );
            CREATE INDEX access_keys_user ON access_keys(user_id);
            """)
    }
}

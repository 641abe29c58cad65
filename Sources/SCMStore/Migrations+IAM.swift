import Foundation
import GRDB
import SCMCore

extension AppDatabase {
    /// Users' groups and policies (RULES.md §9, issue 8), login throttling, and the audit log's
    /// hash chain. System policies are rows too, so a group attaches them like custom ones; two
    /// starting groups keep existing non-admin users working: "operators" (SCM FullAccess) and
    /// "auditors" (SCM ReadOnlyAccess).
    static func migrateIAM(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE user_groups (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                description TEXT NOT NULL DEFAULT '',
                created_at REAL NOT NULL
            );
            CREATE TABLE group_members (
                group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, user_id)
            );
            CREATE INDEX group_members_user ON group_members(user_id);
            CREATE TABLE policies (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                description TEXT NOT NULL DEFAULT '',
                document TEXT NOT NULL,
                system INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            -- A policy granted to a group, for every enterprise project ('') or for one.
            CREATE TABLE group_policies (
                group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
                policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
                enterprise_project TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (group_id, policy_id, enterprise_project)
            );
            -- Failed sign-ins per user name and per address ('user:NAME', 'addr:IP').
            CREATE TABLE login_failures (
                key TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                first_at REAL NOT NULL,
                locked_until REAL
            );
            ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
            ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
            """)
        let now = Date().timeIntervalSince1970
        for policy in Policy.system {
            try db.execute(
                sql: "INSERT INTO policies (name, document, system, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                arguments: [policy.name, policy.json, now, now])
        }
        for (group, policy, description) in [
            ("operators", Policy.fullAccessName, "Every certificate operation; no user management."),
            ("auditors", Policy.readOnlyName, "Read everything, change nothing, export no key."),
        ] {
            try db.execute(
                sql: "INSERT INTO user_groups (name, description, created_at) VALUES (?, ?, ?)",
                arguments: [group, description, now])
            try db.execute(
                sql: "INSERT INTO group_policies (group_id, policy_id) SELECT ?, id FROM policies WHERE name = ?",
                arguments: [db.lastInsertedRowID, policy])
        }
        try db.execute(sql: """
            INSERT INTO group_members (group_id, user_id)
            SELECT g.id, u.id FROM users u, user_groups g WHERE g.name = 'operators' AND u.is_admin = 0
            """)
        // Link the events recorded before the chain existed, in order, once.
        try db.execute(sql: "DROP TRIGGER events_no_update")
        var previous = ""
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id")
        for row in rows {
            let hash = AuditHash.link(
                previous: previous, at: row["at"], actor: row["actor"], action: row["action"], target: row["target"],
                result: row["result"], detail: row["detail"], remoteAddress: row["remote_address"])
            try db.execute(
                sql: "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", arguments: [previous, hash, row["id"] as Int64])
            previous = hash
        }
        try db.execute(sql: AppDatabase.eventsNoUpdateTrigger)
        try db.execute(sql: """
            CREATE INDEX events_actor ON events(actor, id);
            CREATE INDEX events_action ON events(action, id);
            """)
    }

    /// The append-only guard of the audit log, put back after each one-time rewrite of its rows.
    static let eventsNoUpdateTrigger = """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
            SELECT RAISE(ABORT, 'events are append-only');
        END
        """

    /// The audit seal (`AuditSeal`): each event's sequence number and MAC. Events recorded before
    /// are sealed when the database is first opened with the key (`StoreWriter.sealUnsealedLog`).
    static func migrateAuditSeal(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE events ADD COLUMN seq INTEGER;
            ALTER TABLE events ADD COLUMN mac TEXT;
            """)
    }
}

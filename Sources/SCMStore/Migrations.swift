import GRDB

extension AppDatabase {
    /// Versioned schema. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );

                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen_at REAL NOT NULL,
                    remote_address TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX sessions_user ON sessions(user_id);

                CREATE TABLE orders (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('purchase', 'renewal', 'refund')),
                    user_id INTEGER REFERENCES users(id),
                    summary TEXT NOT NULL,
                    amount_cents INTEGER NOT NULL,
                    certificate_count INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    paid_at REAL,
                    refunded_cents INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX orders_created ON orders(created_at);

                -- One row per certificate. `seq` gives the full-text index a stable rowid.
                CREATE TABLE certificates (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    brand TEXT NOT NULL,
                    type TEXT NOT NULL,
                    domain_type TEXT NOT NULL,
                    multi_domain_primary TEXT,
                    domain_quota INTEGER NOT NULL CHECK (domain_quota BETWEEN 1 AND 250),
                    validity_years INTEGER NOT NULL CHECK (validity_years BETWEEN 1 AND 3),
                    status TEXT NOT NULL,
                    origin TEXT NOT NULL CHECK (origin IN ('purchased', 'uploaded')),
                    price_cents INTEGER NOT NULL DEFAULT 0,
                    order_id TEXT REFERENCES orders(id),
                    enterprise_project TEXT NOT NULL DEFAULT 'default',
                    owner_id INTEGER REFERENCES users(id),
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    paid_at REAL,
                    domain TEXT NOT NULL DEFAULT '',
                    sans TEXT NOT NULL DEFAULT '',
                    key_algorithm TEXT NOT NULL,
                    validation_method TEXT NOT NULL,
                    root_hash_algorithm TEXT NOT NULL,
                    csr_source TEXT,
                    applied_at REAL,
                    privacy_cancelled INTEGER NOT NULL DEFAULT 0,
                    signature_algorithm TEXT NOT NULL DEFAULT '',
                    serial_number TEXT NOT NULL DEFAULT '',
                    fingerprint_sha256 TEXT NOT NULL DEFAULT '',
                    issuer TEXT NOT NULL DEFAULT '',
                    not_before REAL,
                    not_after REAL,
                    issued_at REAL,
                    fail_reason TEXT,
                    revoke_reason TEXT,
                    renewal_of TEXT,
                    renewed_by TEXT,
                    auto_renew INTEGER NOT NULL DEFAULT 0,
                    awaiting_confirmation TEXT,
                    notify_expiring INTEGER NOT NULL DEFAULT 1,
                    notify_expired INTEGER NOT NULL DEFAULT 1
                );
                -- Every list filter and sort: status + each sort key, and each sort key alone.
                CREATE INDEX certificates_status_updated ON certificates(status, updated_at);
                CREATE INDEX certificates_status_expires ON certificates(status, not_after);
                CREATE INDEX certificates_status_name ON certificates(status, name);
                CREATE INDEX certificates_updated ON certificates(updated_at);
                CREATE INDEX certificates_expires ON certificates(not_after);
                CREATE INDEX certificates_name ON certificates(name);
                CREATE INDEX certificates_project ON certificates(enterprise_project, status);
                CREATE INDEX certificates_order ON certificates(order_id);

                -- Key material apart from the list rows, so listing never reads PEM or sealed keys.
                CREATE TABLE certificate_materials (
                    certificate_id TEXT PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE,
                    certificate_pem TEXT NOT NULL DEFAULT '',
                    chain_pem TEXT NOT NULL DEFAULT '',
                    csr_pem TEXT NOT NULL DEFAULT '',
                    sealed_private_key BLOB
                );

                -- Applicant and organization data, erasable on its own (privacy cancellation).
                CREATE TABLE applications (
                    certificate_id TEXT PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE,
                    company_name TEXT NOT NULL DEFAULT '',
                    company_unit TEXT NOT NULL DEFAULT '',
                    country TEXT NOT NULL DEFAULT '',
                    province TEXT NOT NULL DEFAULT '',
                    city TEXT NOT NULL DEFAULT '',
                    applicant_name TEXT NOT NULL DEFAULT '',
                    applicant_phone TEXT NOT NULL DEFAULT '',
                    applicant_email TEXT NOT NULL DEFAULT '',
                    contact_name TEXT NOT NULL DEFAULT '',
                    contact_phone TEXT NOT NULL DEFAULT '',
                    contact_email TEXT NOT NULL DEFAULT ''
                );

                -- Keyword search on name or domain by substring, through an index: a trigram
                -- full-text table kept in step with `certificates` by triggers.
                CREATE VIRTUAL TABLE certificates_search USING fts5(
                    name, domains, content='certificates', content_rowid='seq', tokenize='trigram');
                CREATE TRIGGER certificates_search_insert AFTER INSERT ON certificates BEGIN
                    INSERT INTO certificates_search(rowid, name, domains)
                    VALUES (new.seq, new.name, new.domain || ' ' || new.sans);
                END;
                CREATE TRIGGER certificates_search_delete AFTER DELETE ON certificates BEGIN
                    INSERT INTO certificates_search(certificates_search, rowid, name, domains)
                    VALUES ('delete', old.seq, old.name, old.domain || ' ' || old.sans);
                END;
                CREATE TRIGGER certificates_search_update AFTER UPDATE OF name, domain, sans ON certificates BEGIN
                    INSERT INTO certificates_search(certificates_search, rowid, name, domains)
                    VALUES ('delete', old.seq, old.name, old.domain || ' ' || old.sans);
                    INSERT INTO certificates_search(rowid, name, domains)
                    VALUES (new.seq, new.name, new.domain || ' ' || new.sans);
                END;

                -- One row per operation: who, what, when, result. Append-only.
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL DEFAULT '',
                    result TEXT NOT NULL CHECK (result IN ('success', 'refused', 'failed')),
                    detail TEXT NOT NULL DEFAULT '',
                    remote_address TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX events_target ON events(target, id);
                CREATE INDEX events_at ON events(at);
                CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
                    SELECT RAISE(ABORT, 'events are append-only');
                END;
                CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
                    SELECT RAISE(ABORT, 'events are append-only');
                END;
                """)
        }
        migrator.registerMigration("v2-lifecycle", migrate: migrateLifecycle)
        migrator.registerMigration("v3-management", migrate: migrateManagement)
        migrator.registerMigration("v-access-keys", migrate: migrateAccessKeys)
        migrator.registerMigration("v-iam", migrate: migrateIAM)
        migrator.registerMigration("v-notification-settings", migrate: migrateNotificationSettings)
        migrator.registerMigration("v-message-center", migrate: migrateMessageCenter)
        migrator.registerMigration("v-cloud", migrate: migrateCloud)
        migrator.registerMigration("v-cloud-edge", migrate: migrateCloudEdge)
        migrator.registerMigration("v-deployment-record-project", migrate: migrateDeploymentRecordProject)
        migrator.registerMigration("v-form-submissions") { db in
            // One-time tokens of forms that must not take effect twice (Buy, New CSR): the first
            // submission claims its token and records what it made.
            try db.execute(sql: """
                CREATE TABLE form_submissions (
                    token TEXT PRIMARY KEY,
                    outcome TEXT NOT NULL,
                    submitted_at REAL NOT NULL
                )
                """)
        }
        migrator.registerMigration("v-cloud-held-materials", migrate: migrateCloudHeldMaterials)
        migrator.registerMigration("v-cloud-seed-certificates", migrate: migrateCloudSeedCertificates)
        migrator.registerMigration("v-cloud-certificate-store", migrate: migrateCloudCertificateStore)
        migrator.registerMigration("v-audit-seal", migrate: migrateAuditSeal)
        migrator.registerMigration("v-reminder-candidates", migrate: migrateReminderCandidates)
        return migrator
    }
}

import GRDB

extension AppDatabase {
    /// The life cycle of issue 4: CSRs, the simulated CAs, domain validations, and the DNS,
    /// mailbox and web-root simulators the CA checks.
    static func migrateLifecycle(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE csrs (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                csr_pem TEXT NOT NULL,
                domain_name TEXT NOT NULL,
                sans TEXT NOT NULL DEFAULT '',
                private_key_algo TEXT NOT NULL,
                usage TEXT NOT NULL DEFAULT 'PERSONAL',
                company_country TEXT NOT NULL DEFAULT '',
                company_province TEXT NOT NULL DEFAULT '',
                company_city TEXT NOT NULL DEFAULT '',
                company_name TEXT NOT NULL DEFAULT '',
                sealed_private_key BLOB,
                owner_id INTEGER REFERENCES users(id),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX csrs_name ON csrs(name);
            ALTER TABLE certificates ADD COLUMN csr_id TEXT REFERENCES csrs(id);
            CREATE INDEX certificates_csr ON certificates(csr_id);

            -- What the CA is waiting for, and until when (review due, CAA hold).
            ALTER TABLE certificates ADD COLUMN review_due_at REAL;
            ALTER TABLE certificates ADD COLUMN hold_reason TEXT;
            ALTER TABLE certificates ADD COLUMN organization_verified_at REAL;
            CREATE INDEX certificates_review ON certificates(status, applied_at);

            -- One simulated CA per brand: a root and an intermediate, keys sealed.
            CREATE TABLE ca_authorities (
                brand TEXT PRIMARY KEY,
                root_pem TEXT NOT NULL,
                root_sealed_key BLOB NOT NULL,
                intermediate_pem TEXT NOT NULL,
                intermediate_sealed_key BLOB NOT NULL,
                created_at REAL NOT NULL
            );

            -- Per certificate and domain: what proves ownership (RULES.md §5) and when it was proven.
            CREATE TABLE domain_validations (
                certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
                domain TEXT NOT NULL,
                method TEXT NOT NULL,
                token TEXT NOT NULL,
                email TEXT NOT NULL DEFAULT '',
                verified_at REAL,
                PRIMARY KEY (certificate_id, domain)
            );

            -- Draft of an application ("Save"), and the data kept after a withdrawal/failure.
            CREATE TABLE application_drafts (
                certificate_id TEXT PRIMARY KEY REFERENCES certificates(id) ON DELETE CASCADE,
                form_json TEXT NOT NULL,
                saved_at REAL NOT NULL
            );

            CREATE TABLE certificate_tags (
                certificate_id TEXT NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (certificate_id, key)
            );
            CREATE INDEX certificate_tags_key ON certificate_tags(key, value);

            -- DNS simulator: public zones and record sets, one set per name and type (RULES.md §5).
            CREATE TABLE dns_zones (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                created_at REAL NOT NULL
            );
            CREATE TABLE dns_record_sets (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                zone_id INTEGER NOT NULL REFERENCES dns_zones(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('A', 'AAAA', 'CNAME', 'TXT', 'CAA')),
                ttl INTEGER NOT NULL DEFAULT 300,
                record_values TEXT NOT NULL,
                saved_at REAL NOT NULL,
                UNIQUE (name, type)
            );
            CREATE INDEX dns_record_sets_zone ON dns_record_sets(zone_id, name);

            -- Mailbox simulator: every message the CA sends. `action` is what following its link does.
            CREATE TABLE mails (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                certificate_id TEXT,
                action TEXT NOT NULL DEFAULT '',
                action_token TEXT NOT NULL DEFAULT '',
                acted_at REAL,
                read_at REAL,
                created_at REAL NOT NULL
            );
            CREATE INDEX mails_recipient ON mails(recipient, id);
            CREATE INDEX mails_certificate ON mails(certificate_id);

            -- Web roots for file validation: the file served at a path on a domain.
            CREATE TABLE webroot_files (
                domain TEXT NOT NULL,
                path TEXT NOT NULL,
                content TEXT NOT NULL,
                saved_at REAL NOT NULL,
                PRIMARY KEY (domain, path)
            );

            -- Only one host runs the scheduler at a time (DESIGN.md: safe on several hosts).
            CREATE TABLE scheduler_lease (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at REAL NOT NULL
            );
            """)
    }
}

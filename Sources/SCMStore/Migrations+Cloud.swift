import Foundation
import GRDB

extension AppDatabase {
    /// The WAF, ELB, CDN and VOD simulators (RULES.md §8, issue 6): their resources with the
    /// certificate each holds, and the record of every deploy and push. An ELB listener points
    /// at the ELB certificate it serves (`parent_id`), so replacing that certificate's content
    /// changes what every listener using it presents.
    static func migrateCloud(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE cloud_resources (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                product TEXT NOT NULL CHECK (product IN ('WAF', 'ELB', 'CDN', 'VOD')),
                kind TEXT NOT NULL,
                region TEXT NOT NULL DEFAULT '',
                project TEXT NOT NULL DEFAULT 'default',
                name TEXT NOT NULL,
                domains TEXT NOT NULL DEFAULT '',
                https_ready INTEGER NOT NULL DEFAULT 1,
                certificate_id TEXT,
                certificate_name TEXT NOT NULL DEFAULT '',
                serial TEXT NOT NULL DEFAULT '',
                expires_at REAL,
                parent_id INTEGER REFERENCES cloud_resources(id) ON DELETE CASCADE,
                created_at REAL NOT NULL
            );
            CREATE INDEX cloud_resources_product ON cloud_resources(product, region, project);
            CREATE INDEX cloud_resources_certificate ON cloud_resources(certificate_id);

            -- Every deploy and push, successful or not: who, when, target, result.
            CREATE TABLE deployment_records (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('deploy', 'push')),
                at REAL NOT NULL,
                actor TEXT NOT NULL,
                certificate_id TEXT NOT NULL,
                certificate_name TEXT NOT NULL DEFAULT '',
                product TEXT NOT NULL,
                region TEXT NOT NULL DEFAULT '',
                project TEXT NOT NULL DEFAULT '',
                target TEXT NOT NULL DEFAULT '',
                succeeded INTEGER NOT NULL,
                reason TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX deployment_records_certificate ON deployment_records(certificate_id, kind, product);
            CREATE INDEX deployment_records_at ON deployment_records(at);
            """)
        try seedCloud(db)
    }

    /// Demo resources in three regions and two projects, named after the e2e and demo domains
    /// (`example.com` and its hosts) so a freshly issued certificate has somewhere to go.
    static func seedCloud(_ db: Database) throws {
        let now = Date().timeIntervalSince1970
        func add(_ product: String, _ kind: String, _ region: String, _ project: String, _ name: String,
                 domains: [String] = [], ready: Bool = true, parent: Int64? = nil) throws -> Int64 {
            try db.execute(
                sql: """
                    INSERT INTO cloud_resources (product, kind, region, project, name, domains, https_ready, parent_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [product, kind, region, project, name, (domains.isEmpty ? [name] : domains).joined(separator: "\n"),
                            ready, parent, now])
            return db.lastInsertedRowID
        }
        let regions = ["cn-north-4", "cn-east-3", "ap-southeast-1"]
        for region in regions {
            _ = try add("WAF", "waf-domain", region, "default", "www.example.com")
            _ = try add("WAF", "waf-domain", region, "default", "shop.example.com")
            _ = try add("WAF", "waf-domain", region, "production", "api.example.com")
            _ = try add("WAF", "waf-domain", region, "default", "new.example.com", ready: false)
            let balancer = try add("ELB", "elb-loadbalancer", region, "default", "elb-\(region)", domains: ["elb-\(region)"])
            let first = try add("ELB", "elb-certificate", region, "default", "cert-www-\(region)",
                                domains: ["www.example.com", "api.example.com"], parent: balancer)
            _ = try add("ELB", "elb-listener", region, "default", "listener-443-\(region)", domains: ["listener-443-\(region)"], parent: first)
            let second = try add("ELB", "elb-certificate", region, "default", "cert-shop-\(region)",
                                 domains: ["shop.example.com", "api.example.com"], parent: balancer)
            _ = try add("ELB", "elb-listener", region, "default", "listener-8443-\(region)", domains: ["listener-8443-\(region)"], parent: second)
            _ = try add("ELB", "elb-certificate", region, "production", "cert-unbound-\(region)", domains: ["www.example.com"], parent: balancer)
        }
        for name in ["www.example.com", "cdn.example.com", "static.example.com", "img.example.com"] {
            _ = try add("CDN", "cdn-domain", "", "default", name)
        }
        _ = try add("CDN", "cdn-domain", "", "production", "api.example.com", ready: false)
        for name in ["www.example.com", "vod.example.com", "video.example.com"] {
            _ = try add("VOD", "vod-domain", "", "default", name)
        }
    }

    /// When each resource got the certificate it holds: the TLS edge presents, for a host name
    /// several resources serve, the certificate deployed last.
    static func migrateCloudEdge(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE cloud_resources ADD COLUMN held_since REAL")
    }

    /// The enterprise project a record's certificate was in, kept for when the certificate is
    /// deleted: a user scoped to that project still sees its deploy and push history.
    static func migrateDeploymentRecordProject(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE deployment_records ADD COLUMN certificate_project TEXT;
                UPDATE deployment_records
                SET certificate_project = (SELECT enterprise_project FROM certificates c WHERE c.id = certificate_id);
                """)
    }

    /// What each resource holds, kept with the resource: the PEM and the sealed key of the
    /// deployment itself. The certificate's own files change with a reissue or a domain addition
    /// (new key first, new certificate later); a product keeps what was deployed to it until the
    /// next deployment, and the TLS edge is rebuilt from this. Existing deployments take the
    /// certificate's files as they are now.
    static func migrateCloudHeldMaterials(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cloud_resources ADD COLUMN held_certificate_pem TEXT NOT NULL DEFAULT '';
                ALTER TABLE cloud_resources ADD COLUMN held_chain_pem TEXT NOT NULL DEFAULT '';
                ALTER TABLE cloud_resources ADD COLUMN held_sealed_private_key BLOB;
                UPDATE cloud_resources
                SET held_certificate_pem = (SELECT certificate_pem FROM certificate_materials WHERE certificate_id = cloud_resources.certificate_id),
                    held_chain_pem = (SELECT chain_pem FROM certificate_materials WHERE certificate_id = cloud_resources.certificate_id),
                    held_sealed_private_key = (SELECT sealed_private_key FROM certificate_materials WHERE certificate_id = cloud_resources.certificate_id)
                WHERE certificate_id IN (SELECT certificate_id FROM certificate_materials);
                """)
    }

    /// Marks the demo resources that are set up for HTTPS (WAF and CDN domains with HTTPS on,
    /// VOD domains, ELB certificates bound to a listener) and hold nothing: each gets a real
    /// certificate from the CA simulator when `scm serve` starts (`installSeedCertificates`),
    /// since signing needs the master key a migration does not have.
    static func migrateCloudSeedCertificates(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE cloud_resources ADD COLUMN seed_certificate_pending INTEGER NOT NULL DEFAULT 0;
                UPDATE cloud_resources SET seed_certificate_pending = 1
                WHERE certificate_id IS NULL AND serial = ''
                    AND ((kind IN ('waf-domain', 'cdn-domain') AND https_ready = 1)
                        OR kind = 'vod-domain'
                        OR (kind = 'elb-certificate'
                            AND id IN (SELECT parent_id FROM cloud_resources WHERE kind = 'elb-listener')));
                """)
    }

    /// The products' certificate stores (RULES.md §8 Push): what a push copies, the certificate
    /// with its chain and sealed key, per product, region and enterprise project.
    static func migrateCloudCertificateStore(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cloud_certificate_store (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    product TEXT NOT NULL CHECK (product IN ('WAF', 'ELB', 'CDN', 'VOD')),
                    region TEXT NOT NULL DEFAULT '',
                    project TEXT NOT NULL DEFAULT 'default',
                    certificate_id TEXT NOT NULL,
                    certificate_name TEXT NOT NULL DEFAULT '',
                    domains TEXT NOT NULL DEFAULT '',
                    serial TEXT NOT NULL DEFAULT '',
                    expires_at REAL,
                    certificate_pem TEXT NOT NULL DEFAULT '',
                    chain_pem TEXT NOT NULL DEFAULT '',
                    sealed_private_key BLOB,
                    pushed_at REAL NOT NULL
                );
                CREATE INDEX cloud_certificate_store_product ON cloud_certificate_store(product, region, project);
                """)
    }
}

import Foundation
import GRDB
import SCMCore

/// One deploy or push, as the records page and the push page show it.
public struct DeploymentRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case deploy
        case push
    }

    public var id: Int64
    public var kind: Kind
    public var at: Date
    public var actor: String
    public var certificateID: String
    public var certificateName: String
    public var product: CloudProduct
    public var region: String
    public var project: String
    public var target: String
    public var succeeded: Bool
    public var reason: String

    public init(
        id: Int64 = 0, kind: Kind, at: Date, actor: String, certificateID: String, certificateName: String,
        product: CloudProduct, region: String, project: String, target: String, succeeded: Bool, reason: String = ""
    ) {
        self.id = id
        self.kind = kind
        self.at = at
        self.actor = actor
        self.certificateID = certificateID
        self.certificateName = certificateName
        self.product = product
        self.region = region
        self.project = project
        self.target = target
        self.succeeded = succeeded
        self.reason = reason
    }

    init(row: Row) {
        self.init(
            id: row["id"], kind: Kind(rawValue: row["kind"]) ?? .deploy, at: Date(timeIntervalSince1970: row["at"]),
            actor: row["actor"], certificateID: row["certificate_id"], certificateName: row["certificate_name"],
            product: CloudProduct(rawValue: row["product"]) ?? .waf, region: row["region"], project: row["project"],
            target: row["target"], succeeded: row["succeeded"], reason: row["reason"])
    }

    /// The certificate's copy in the product's own certificate store, which a successful push
    /// makes (scm-v3.md §4.3 batch-push `cert_id`): named after the push that made it.
    public var copyID: String { "\(product.rawValue.lowercased())-cert-\(id)" }
}

/// Filters of the records page; nil means any.
public struct DeploymentRecordFilter: Sendable, Equatable {
    public var kind: DeploymentRecord.Kind?
    public var product: CloudProduct?
    public var certificateID: String?
    public var succeeded: Bool?
    /// The page: the newest `limit` records after skipping `offset`.
    public var offset = 0
    public var limit: Int
    /// Only records of certificates in these enterprise projects (what the caller may list, RULES.md §9).
    public var projects: ProjectScope = .everything

    public init(kind: DeploymentRecord.Kind? = nil, product: CloudProduct? = nil, certificateID: String? = nil, succeeded: Bool? = nil, limit: Int = 200) {
        self.kind = kind
        self.product = product
        self.certificateID = certificateID
        self.succeeded = succeeded
        self.limit = limit
    }
}

/// What a resource holds, as it was deployed to it: the certificate, its chain and its private
/// key sealed under the master key (nil for a certificate whose key is not here). The TLS edge
/// presents exactly this, whatever happened to the certificate in the manager since.
public struct HeldCertificate: Sendable, Equatable {
    public var certificatePEM: String
    public var chainPEM: String
    public var sealedPrivateKey: [UInt8]?

    public init(certificatePEM: String, chainPEM: String, sealedPrivateKey: [UInt8]?) {
        self.certificatePEM = certificatePEM
        self.chainPEM = chainPEM
        self.sealedPrivateKey = sealedPrivateKey
    }

    /// The certificate's files as they are now: what a deployment copies into the resource.
    public init(_ materials: CertificateMaterials) {
        self.init(certificatePEM: materials.certificatePEM, chainPEM: materials.chainPEM, sealedPrivateKey: materials.sealedPrivateKey)
    }
}

extension CloudResource {
    init(row: Row) {
        let domains = (row["domains"] as String).split(separator: "\n").map(String.init)
        self.init(
            id: row["id"], kind: CloudResourceKind(rawValue: row["kind"]) ?? .wafDomain, region: row["region"],
            project: row["project"], name: row["name"], domains: domains, httpsReady: row["https_ready"],
            certificateID: row["certificate_id"], certificateName: row["certificate_name"], serialNumber: row["serial"],
            expiresAt: (row["expires_at"] as Double?).map { Date(timeIntervalSince1970: $0) }, parentID: row["parent_id"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            heldSince: (row["held_since"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }
}

extension StoreReader {
    /// A product's resources, optionally of one region and one project, in creation order.
    public func cloudResources(product: CloudProduct, region: String? = nil, project: String? = nil) throws -> [CloudResource] {
        var sql = "SELECT * FROM cloud_resources WHERE product = ?"
        var arguments: StatementArguments = [product.rawValue]
        if let region { sql += " AND region = ?"; arguments += [region] }
        if let project { sql += " AND project = ?"; arguments += [project] }
        return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map(CloudResource.init(row:))
    }

    /// Every resource of every product, those holding nothing first, then in the order they got
    /// their certificates (what the TLS edge needs).
    public func allCloudResources() throws -> [CloudResource] {
        try Row.fetchAll(db, sql: "SELECT * FROM cloud_resources ORDER BY held_since IS NOT NULL, held_since, id")
            .map(CloudResource.init(row:))
    }

    /// The enterprise projects `product`'s resources are in, sorted.
    public func cloudProjects(product: CloudProduct) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT DISTINCT project FROM cloud_resources WHERE product = ? ORDER BY project", arguments: [product.rawValue])
    }

    public func cloudResource(id: Int64) throws -> CloudResource? {
        try Row.fetchOne(db, sql: "SELECT * FROM cloud_resources WHERE id = ?", arguments: [id]).map(CloudResource.init(row:))
    }

    /// The resources that hold one of `certificateIDs` now.
    public func cloudResources(holding certificateIDs: [String]) throws -> [CloudResource] {
        guard !certificateIDs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: certificateIDs.count).joined(separator: ", ")
        return try Row.fetchAll(
            db, sql: "SELECT * FROM cloud_resources WHERE certificate_id IN (\(marks)) ORDER BY id",
            arguments: StatementArguments(certificateIDs)
        ).map(CloudResource.init(row:))
    }

    /// What each resource holding a certificate holds, by resource ID (the TLS edge's input).
    public func heldCertificates() throws -> [Int64: HeldCertificate] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, held_certificate_pem, held_chain_pem, held_sealed_private_key FROM cloud_resources
                WHERE held_certificate_pem != ''
                """)
        return Dictionary(
            uniqueKeysWithValues: rows.map { row in
                let sealed: Data? = row["held_sealed_private_key"]
                return (
                    row["id"] as Int64,
                    HeldCertificate(
                        certificatePEM: row["held_certificate_pem"], chainPEM: row["held_chain_pem"],
                        sealedPrivateKey: sealed.map { [UInt8]($0) })
                )
            })
    }

    /// `product`'s certificate store, optionally of one region and one project, newest first.
    public func storedCertificates(product: CloudProduct, region: String? = nil, project: String? = nil) throws -> [StoredCertificate] {
        var sql = "SELECT * FROM cloud_certificate_store WHERE product = ?"
        var arguments: StatementArguments = [product.rawValue]
        if let region { sql += " AND region = ?"; arguments += [region] }
        if let project { sql += " AND project = ?"; arguments += [project] }
        return try Row.fetchAll(db, sql: sql + " ORDER BY id DESC", arguments: arguments).map { row in
            StoredCertificate(
                id: row["id"], product: CloudProduct(rawValue: row["product"]) ?? product, region: row["region"],
                project: row["project"], certificateID: row["certificate_id"], certificateName: row["certificate_name"],
                domains: (row["domains"] as String).split(separator: "\n").map(String.init), serialNumber: row["serial"],
                expiresAt: (row["expires_at"] as Double?).map { Date(timeIntervalSince1970: $0) },
                pushedAt: Date(timeIntervalSince1970: row["pushed_at"]))
        }
    }

    /// The demo resources still waiting for the certificate they are seeded with.
    public func resourcesAwaitingSeedCertificate() throws -> [CloudResource] {
        try Row.fetchAll(db, sql: "SELECT * FROM cloud_resources WHERE seed_certificate_pending = 1 ORDER BY id")
            .map(CloudResource.init(row:))
    }

    /// How many HTTPS listeners serve ELB certificate `id`.
    public func listenerCount(elbCertificateID id: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM cloud_resources WHERE kind = 'elb-listener' AND parent_id = ?", arguments: [id]) ?? 0
    }

    /// Whether the certificate already sits in `product`'s certificate store: pushed there, or
    /// deployed to one of its resources.
    public func isInProduct(certificateID: String, product: CloudProduct) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM deployment_records WHERE certificate_id = ? AND product = ? AND succeeded = 1)
                """,
            arguments: [certificateID, product.rawValue]) ?? false
    }

    /// One page of the records `filter` matches, newest first, and how many match in all.
    public func deploymentRecords(_ filter: DeploymentRecordFilter) throws -> Page<DeploymentRecord> {
        var condition = "1 = 1"
        var arguments: StatementArguments = []
        if let kind = filter.kind { condition += " AND kind = ?"; arguments += [kind.rawValue] }
        if let product = filter.product { condition += " AND product = ?"; arguments += [product.rawValue] }
        if let id = filter.certificateID { condition += " AND certificate_id = ?"; arguments += [id] }
        if let succeeded = filter.succeeded { condition += " AND succeeded = ?"; arguments += [succeeded] }
        // A live certificate's project now; a deleted one's, the project it was in when recorded.
        let project = """
            coalesce((SELECT enterprise_project FROM certificates c WHERE c.id = deployment_records.certificate_id), \
            deployment_records.certificate_project)
            """
        if let scope = filter.projects.condition(on: project) {
            condition += " AND \(scope.sql)"
            arguments += scope.arguments
        }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM deployment_records WHERE \(condition)", arguments: arguments) ?? 0
        let items = try Row.fetchAll(
            db, sql: "SELECT * FROM deployment_records WHERE \(condition) ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: arguments + [filter.limit, filter.offset]
        ).map(DeploymentRecord.init(row:))
        return Page(items: items, total: total)
    }
}

extension StoreWriter {
    @discardableResult
    public func insert(_ resource: CloudResource) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO cloud_resources (product, kind, region, project, name, domains, https_ready, certificate_id,
                    certificate_name, serial, expires_at, parent_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                resource.product.rawValue, resource.kind.rawValue, resource.region, resource.project, resource.name,
                resource.domains.joined(separator: "\n"), resource.httpsReady, resource.certificateID,
                resource.certificateName, resource.serialNumber, resource.expiresAt?.timeIntervalSince1970,
                resource.parentID, resource.createdAt.timeIntervalSince1970,
            ])
        return db.lastInsertedRowID
    }

    /// Stores the certificate a resource holds now, its (ELB) domain set and the copy of what
    /// was deployed (`held`), so that the resource keeps it while the certificate changes.
    public func updateHeldCertificate(_ resource: CloudResource, held: HeldCertificate) throws {
        try db.execute(
            sql: """
                UPDATE cloud_resources
                SET domains = ?, certificate_id = ?, certificate_name = ?, serial = ?, expires_at = ?, held_since = ?,
                    held_certificate_pem = ?, held_chain_pem = ?, held_sealed_private_key = ?
                WHERE id = ?
                """,
            arguments: [
                resource.domains.joined(separator: "\n"), resource.certificateID, resource.certificateName,
                resource.serialNumber, resource.expiresAt?.timeIntervalSince1970, resource.heldSince?.timeIntervalSince1970,
                held.certificatePEM, held.chainPEM, held.sealedPrivateKey.map { Data($0) }, resource.id,
            ])
    }

    /// Gives a demo resource its seed certificate, once: false when it no longer waits for one
    /// (another process installed it first).
    public func installSeedCertificate(_ resource: CloudResource, held: HeldCertificate) throws -> Bool {
        try db.execute(
            sql: "UPDATE cloud_resources SET seed_certificate_pending = 0 WHERE id = ? AND seed_certificate_pending = 1",
            arguments: [resource.id])
        guard db.changesCount > 0 else { return false }
        try updateHeldCertificate(resource, held: held)
        return true
    }

    /// Removes a resource and what hangs off it (an ELB certificate's listeners).
    public func deleteCloudResource(id: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM cloud_resources WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    /// Puts a pushed certificate into its product's store with the copy of what was pushed.
    public func insert(_ stored: StoredCertificate, held: HeldCertificate) throws {
        try db.execute(
            sql: """
                INSERT INTO cloud_certificate_store (product, region, project, certificate_id, certificate_name, domains, serial,
                    expires_at, certificate_pem, chain_pem, sealed_private_key, pushed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stored.product.rawValue, stored.region, stored.project, stored.certificateID, stored.certificateName,
                stored.domains.joined(separator: "\n"), stored.serialNumber, stored.expiresAt?.timeIntervalSince1970,
                held.certificatePEM, held.chainPEM, held.sealedPrivateKey.map { Data($0) }, stored.pushedAt.timeIntervalSince1970,
            ])
    }

    /// Returns the new record's ID.
    @discardableResult
    public func insert(_ record: DeploymentRecord) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO deployment_records (kind, at, actor, certificate_id, certificate_name, product, region, project,
                    target, succeeded, reason, certificate_project)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT enterprise_project FROM certificates WHERE id = ?))
                """,
            arguments: [
                record.kind.rawValue, record.at.timeIntervalSince1970, record.actor, record.certificateID,
                record.certificateName, record.product.rawValue, record.region, record.project, record.target,
                record.succeeded, record.reason, record.certificateID,
            ])
        return db.lastInsertedRowID
    }
}

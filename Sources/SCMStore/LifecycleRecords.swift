import Foundation
import GRDB
import SCMCore

private func date(_ row: Row, _ column: String) -> Date? {
    (row[column] as Double?).map { Date(timeIntervalSince1970: $0) }
}

/// A simulated CA of one brand: certificates in PEM, keys sealed with the master key.
public struct AuthorityRecord: Sendable, Equatable {
    public var brand: CABrand
    public var rootPEM: String
    public var rootSealedKey: [UInt8]
    public var intermediatePEM: String
    public var intermediateSealedKey: [UInt8]
    public var createdAt: Date

    public init(brand: CABrand, rootPEM: String, rootSealedKey: [UInt8], intermediatePEM: String, intermediateSealedKey: [UInt8], createdAt: Date) {
        self.brand = brand
        self.rootPEM = rootPEM
        self.rootSealedKey = rootSealedKey
        self.intermediatePEM = intermediatePEM
        self.intermediateSealedKey = intermediateSealedKey
        self.createdAt = createdAt
    }
}

extension StoredCSR {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], pem: row["csr_pem"], domainName: row["domain_name"],
            sans: Certificate.splitDomains(row["sans"]), keyAlgorithm: row["private_key_algo"],
            usage: Usage(rawValue: row["usage"]) ?? .personal,
            sealedPrivateKey: (row["sealed_private_key"] as Data?).map { [UInt8]($0) }, ownerID: row["owner_id"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
        updatedAt = Date(timeIntervalSince1970: row["updated_at"])
        companyCountry = row["company_country"]
        companyProvince = row["company_province"]
        companyCity = row["company_city"]
        companyName = row["company_name"]
    }
}

extension DomainValidation {
    init(row: Row) {
        self.init(
            certificateID: row["certificate_id"], domain: row["domain"],
            method: ValidationMethod(rawValue: row["method"]) ?? .dns, token: row["token"], email: row["email"],
            verifiedAt: date(row, "verified_at"))
    }
}

extension DNSRecordSet {
    init(row: Row) {
        self.init(
            id: row["id"], zoneID: row["zone_id"], name: row["name"], type: RecordType(rawValue: row["type"]) ?? .txt,
            ttl: row["ttl"], values: (row["record_values"] as String).split(separator: "\n").map(String.init),
            savedAt: Date(timeIntervalSince1970: row["saved_at"]))
    }
}

extension Mail {
    init(row: Row) {
        self.init(
            id: row["id"], recipient: row["recipient"], subject: row["subject"], body: row["body"],
            certificateID: row["certificate_id"], action: Action(rawValue: row["action"]) ?? .none,
            actionToken: row["action_token"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        actedAt = date(row, "acted_at")
        readAt = date(row, "read_at")
    }
}

extension StoreReader {
    // MARK: CSRs

    public func csr(id: String) throws -> StoredCSR? {
        try Row.fetchOne(db, sql: "SELECT * FROM csrs WHERE id = ?", arguments: [id]).map(StoredCSR.init(row:))
    }

    /// One page of the CSRs in `scope`, newest first.
    public func csrs(
        name: String? = nil, keyAlgorithm: String? = nil, scope: OwnerScope, offset: Int = 0, limit: Int = 50
    ) throws -> Page<StoredCSR> {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let owner = scope.condition(on: "owner_id") {
            conditions.append(owner.sql)
            _ = arguments.append(contentsOf: StatementArguments(owner.userIDs))
        }
        if let name, !name.isEmpty {
            conditions.append("name LIKE ? ESCAPE '\\'")
            _ = arguments.append(contentsOf: ["%" + StoreReader.escapeLike(name) + "%"])
        }
        if let keyAlgorithm, !keyAlgorithm.isEmpty {
            conditions.append("private_key_algo = ?")
            _ = arguments.append(contentsOf: [keyAlgorithm])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM csrs \(whereClause)", arguments: arguments) ?? 0
        var pageArguments = arguments
        _ = pageArguments.append(contentsOf: [limit, offset])
        let items = try Row.fetchAll(
            db, sql: "SELECT * FROM csrs \(whereClause) ORDER BY created_at DESC, id LIMIT ? OFFSET ?", arguments: pageArguments
        ).map(StoredCSR.init(row:))
        return Page(items: items, total: total)
    }

    /// Certificates that use a CSR and are not finished with it (it cannot be deleted then).
    public func certificatesUsing(csrID: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT id FROM certificates WHERE csr_id = ? AND status NOT IN ('REVOKED', 'EXPIRED', 'PAID', 'UNPASSED')",
            arguments: [csrID])
    }

    // MARK: CA

    public func authority(_ brand: CABrand) throws -> AuthorityRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM ca_authorities WHERE brand = ?", arguments: [brand.rawValue]).map {
            AuthorityRecord(
                brand: brand, rootPEM: $0["root_pem"], rootSealedKey: [UInt8]($0["root_sealed_key"] as Data),
                intermediatePEM: $0["intermediate_pem"], intermediateSealedKey: [UInt8]($0["intermediate_sealed_key"] as Data),
                createdAt: Date(timeIntervalSince1970: $0["created_at"]))
        }
    }

    /// Certificates the CA reviews (RULES.md §3 CA steps), most recent applications first, so a
    /// pass stays bounded on a large database and the ones users work on now come first.
    public func certificatesInReview(limit: Int = 200) throws -> [Certificate] {
        let statuses = Certificate.Status.reviewedByCA.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(
            db, sql: "SELECT * FROM certificates WHERE status IN (\(statuses)) ORDER BY applied_at DESC LIMIT ?",
            arguments: [limit]
        ).map(Certificate.init(row:))
    }

    // MARK: Validations

    public func validations(certificateID: String) throws -> [DomainValidation] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM domain_validations WHERE certificate_id = ? ORDER BY rowid", arguments: [certificateID]
        ).map(DomainValidation.init(row:))
    }

    public func draft(certificateID: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT form_json FROM application_drafts WHERE certificate_id = ?", arguments: [certificateID])
    }

    /// The organization and contact details of the user's last application, offered again (RULES.md §4).
    public func lastApplication(ownerID: Int64?) throws -> Application? {
        guard
            let id = try String.fetchOne(
                db,
                sql: """
                    SELECT c.id FROM certificates c JOIN applications a ON a.certificate_id = c.id
                    WHERE c.owner_id IS ? ORDER BY c.applied_at DESC LIMIT 1
                    """, arguments: [ownerID])
        else { return nil }
        return try application(certificateID: id)
    }

    // MARK: Tags

    public func tags(certificateID: String) throws -> [(key: String, value: String)] {
        try Row.fetchAll(db, sql: "SELECT key, value FROM certificate_tags WHERE certificate_id = ? ORDER BY key", arguments: [certificateID])
            .map { (key: $0["key"], value: $0["value"]) }
    }

    // MARK: DNS

    public func dnsZones() throws -> [DNSZone] {
        try Row.fetchAll(db, sql: "SELECT * FROM dns_zones ORDER BY name").map {
            DNSZone(id: $0["id"], name: $0["name"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
        }
    }

    public func dnsZone(id: Int64) throws -> DNSZone? {
        try Row.fetchOne(db, sql: "SELECT * FROM dns_zones WHERE id = ?", arguments: [id]).map {
            DNSZone(id: $0["id"], name: $0["name"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
        }
    }

    /// The hosted zone that holds `name` (the longest zone name that is a suffix of it).
    public func dnsZone(containing name: String) throws -> DNSZone? {
        try dnsZones().filter { name == $0.name || name.hasSuffix("." + $0.name) }.max { $0.name.count < $1.name.count }
    }

    public func dnsRecordSets(zoneID: Int64) throws -> [DNSRecordSet] {
        try Row.fetchAll(db, sql: "SELECT * FROM dns_record_sets WHERE zone_id = ? ORDER BY name, type", arguments: [zoneID])
            .map(DNSRecordSet.init(row:))
    }

    public func dnsRecordSet(id: Int64) throws -> DNSRecordSet? {
        try Row.fetchOne(db, sql: "SELECT * FROM dns_record_sets WHERE id = ?", arguments: [id]).map(DNSRecordSet.init(row:))
    }

    public func dnsRecordSet(name: String, type: DNSRecordSet.RecordType) throws -> DNSRecordSet? {
        try Row.fetchOne(db, sql: "SELECT * FROM dns_record_sets WHERE name = ? AND type = ?", arguments: [name, type.rawValue])
            .map(DNSRecordSet.init(row:))
    }

    // MARK: Mail

    /// The mails to `recipient` (every mail when nil), newest first: `limit` of them after
    /// skipping `offset`.
    public func mails(recipient: String? = nil, offset: Int = 0, limit: Int = 200) throws -> [Mail] {
        let filter = Self.recipientFilter(recipient)
        return try Row.fetchAll(
            db, sql: "SELECT * FROM mails \(filter.sql) ORDER BY id DESC LIMIT ? OFFSET ?",
            arguments: filter.arguments + [limit, offset]
        ).map(Mail.init(row:))
    }

    public func mailCount(recipient: String? = nil) throws -> Int {
        let filter = Self.recipientFilter(recipient)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM mails \(filter.sql)", arguments: filter.arguments) ?? 0
    }

    /// No condition at all for every mail: `recipient = ? OR ? IS NULL` would keep SQLite from
    /// using the `mails_recipient` index when there is a recipient.
    private static func recipientFilter(_ recipient: String?) -> (sql: String, arguments: StatementArguments) {
        guard let recipient else { return ("", []) }
        return ("WHERE recipient = ?", [recipient])
    }

    public func unreadMailCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM mails WHERE read_at IS NULL") ?? 0
    }

    /// Every address a mail was sent to, sorted: the mailbox's recipient filter.
    public func mailRecipients() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT recipient FROM mails WHERE recipient <> '' ORDER BY recipient")
    }

    public func mail(id: Int64) throws -> Mail? {
        try Row.fetchOne(db, sql: "SELECT * FROM mails WHERE id = ?", arguments: [id]).map(Mail.init(row:))
    }

    public func pendingMail(certificateID: String, action: Mail.Action) throws -> Mail? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM mails WHERE certificate_id = ? AND action = ? AND acted_at IS NULL ORDER BY id DESC LIMIT 1",
            arguments: [certificateID, action.rawValue]
        ).map(Mail.init(row:))
    }

    public func answeredMail(certificateID: String, action: Mail.Action) throws -> Mail? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM mails WHERE certificate_id = ? AND action = ? AND acted_at IS NOT NULL ORDER BY id DESC LIMIT 1",
            arguments: [certificateID, action.rawValue]
        ).map(Mail.init(row:))
    }

    // MARK: Web roots

    public func webrootFile(domain: String, path: String) throws -> (content: String, savedAt: Date)? {
        try Row.fetchOne(db, sql: "SELECT content, saved_at FROM webroot_files WHERE domain = ? AND path = ?", arguments: [domain, path])
            .map { (content: $0["content"], savedAt: Date(timeIntervalSince1970: $0["saved_at"])) }
    }

    public func webrootFiles() throws -> [(domain: String, path: String, content: String, savedAt: Date)] {
        try Row.fetchAll(db, sql: "SELECT * FROM webroot_files ORDER BY domain, path").map {
            (domain: $0["domain"], path: $0["path"], content: $0["content"], savedAt: Date(timeIntervalSince1970: $0["saved_at"]))
        }
    }
}

extension StoreWriter {
    public func insert(_ csr: StoredCSR) throws {
        try db.execute(
            sql: """
                INSERT INTO csrs (id, name, csr_pem, domain_name, sans, private_key_algo, usage, company_country, company_province,
                    company_city, company_name, sealed_private_key, owner_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                csr.id, csr.name, csr.pem, csr.domainName, csr.sans.joined(separator: ";"), csr.keyAlgorithm, csr.usage.rawValue,
                csr.companyCountry, csr.companyProvince, csr.companyCity, csr.companyName, csr.sealedPrivateKey.map { Data($0) },
                csr.ownerID, csr.createdAt.timeIntervalSince1970, csr.updatedAt.timeIntervalSince1970,
            ])
    }

    public func renameCSR(id: String, name: String, at: Date) throws {
        try db.execute(sql: "UPDATE csrs SET name = ?, updated_at = ? WHERE id = ?", arguments: [name, at.timeIntervalSince1970, id])
    }

    public func deleteCSR(id: String) throws {
        try db.execute(sql: "DELETE FROM csrs WHERE id = ?", arguments: [id])
    }

    public func insert(_ authority: AuthorityRecord) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO ca_authorities (brand, root_pem, root_sealed_key, intermediate_pem, intermediate_sealed_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                authority.brand.rawValue, authority.rootPEM, Data(authority.rootSealedKey), authority.intermediatePEM,
                Data(authority.intermediateSealedKey), authority.createdAt.timeIntervalSince1970,
            ])
    }

    public func replaceValidations(_ validations: [DomainValidation], certificateID: String) throws {
        try db.execute(sql: "DELETE FROM domain_validations WHERE certificate_id = ?", arguments: [certificateID])
        for validation in validations {
            try db.execute(
                sql: "INSERT INTO domain_validations (certificate_id, domain, method, token, email, verified_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    certificateID, validation.domain, validation.method.rawValue, validation.token, validation.email,
                    validation.verifiedAt?.timeIntervalSince1970,
                ])
        }
    }

    public func markValidated(certificateID: String, domain: String, at: Date) throws {
        try db.execute(
            sql: "UPDATE domain_validations SET verified_at = coalesce(verified_at, ?) WHERE certificate_id = ? AND domain = ?",
            arguments: [at.timeIntervalSince1970, certificateID, domain])
    }

    /// Claims a form's one-time submission token for `outcome` (compare-and-set: the first insert
    /// wins). Returns nil when this call claimed it, else the outcome of the submission that did.
    public func claimSubmission(token: String, outcome: String, at: Date) throws -> String? {
        try db.execute(
            sql: "INSERT OR IGNORE INTO form_submissions (token, outcome, submitted_at) VALUES (?, ?, ?)",
            arguments: [token, outcome, at.timeIntervalSince1970])
        guard db.changesCount == 0 else { return nil }
        return try String.fetchOne(db, sql: "SELECT outcome FROM form_submissions WHERE token = ?", arguments: [token]) ?? ""
    }

    public func saveDraft(certificateID: String, json: String, at: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO application_drafts (certificate_id, form_json, saved_at) VALUES (?, ?, ?)",
            arguments: [certificateID, json, at.timeIntervalSince1970])
    }

    public func deleteDraft(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM application_drafts WHERE certificate_id = ?", arguments: [certificateID])
    }

    public func setTag(certificateID: String, key: String, value: String) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO certificate_tags (certificate_id, key, value) VALUES (?, ?, ?)",
            arguments: [certificateID, key, value])
    }

    public func deleteTag(certificateID: String, key: String) throws {
        try db.execute(sql: "DELETE FROM certificate_tags WHERE certificate_id = ? AND key = ?", arguments: [certificateID, key])
    }

    // MARK: DNS

    @discardableResult
    public func insertZone(name: String, at: Date) throws -> DNSZone {
        try db.execute(sql: "INSERT INTO dns_zones (name, created_at) VALUES (?, ?)", arguments: [name, at.timeIntervalSince1970])
        return DNSZone(id: db.lastInsertedRowID, name: name, createdAt: at)
    }

    public func deleteZone(id: Int64) throws {
        try db.execute(sql: "DELETE FROM dns_zones WHERE id = ?", arguments: [id])
    }

    @discardableResult
    public func save(_ set: DNSRecordSet) throws -> DNSRecordSet {
        var saved = set
        if set.id == 0 {
            try db.execute(
                sql: "INSERT INTO dns_record_sets (zone_id, name, type, ttl, record_values, saved_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [set.zoneID, set.name, set.type.rawValue, set.ttl, set.values.joined(separator: "\n"), set.savedAt.timeIntervalSince1970])
            saved.id = db.lastInsertedRowID
        } else {
            try db.execute(
                sql: "UPDATE dns_record_sets SET ttl = ?, record_values = ?, saved_at = ? WHERE id = ?",
                arguments: [set.ttl, set.values.joined(separator: "\n"), set.savedAt.timeIntervalSince1970, set.id])
        }
        return saved
    }

    public func deleteRecordSet(id: Int64) throws {
        try db.execute(sql: "DELETE FROM dns_record_sets WHERE id = ?", arguments: [id])
    }

    // MARK: Mail

    @discardableResult
    public func deliver(_ mail: Mail) throws -> Mail {
        try db.execute(
            sql: """
                INSERT INTO mails (recipient, subject, body, certificate_id, action, action_token, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                mail.recipient, mail.subject, mail.body, mail.certificateID, mail.action.rawValue, mail.actionToken,
                mail.createdAt.timeIntervalSince1970,
            ])
        var saved = mail
        saved.id = db.lastInsertedRowID
        return saved
    }

    /// Records that the mail's link was followed; false if it already was (a link works once).
    public func markActed(mailID: Int64, at: Date) throws -> Bool {
        try db.execute(sql: "UPDATE mails SET acted_at = ?, read_at = coalesce(read_at, ?) WHERE id = ? AND acted_at IS NULL",
            arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, mailID])
        return db.changesCount == 1
    }

    public func markRead(mailID: Int64, at: Date) throws {
        try db.execute(sql: "UPDATE mails SET read_at = coalesce(read_at, ?) WHERE id = ?", arguments: [at.timeIntervalSince1970, mailID])
    }

    // MARK: Web roots

    public func saveWebrootFile(domain: String, path: String, content: String, at: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO webroot_files (domain, path, content, saved_at) VALUES (?, ?, ?, ?)",
            arguments: [domain, path, content, at.timeIntervalSince1970])
    }

    public func deleteWebrootFile(domain: String, path: String) throws {
        try db.execute(sql: "DELETE FROM webroot_files WHERE domain = ? AND path = ?", arguments: [domain, path])
    }

    // MARK: Scheduler lease

    /// Takes or renews the named lease for `holder` until `until`; false while another holder has it.
    public func acquireLease(_ name: String, holder: String, now: Date, until: Date) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO scheduler_lease (name, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE scheduler_lease.holder = excluded.holder OR scheduler_lease.expires_at < ?
                """,
            arguments: [name, holder, until.timeIntervalSince1970, now.timeIntervalSince1970])
        return db.changesCount == 1
    }

    /// Takes the named lease from `gone`, a holder known to have ended, unless someone else has
    /// taken it meanwhile; true when taken.
    public func takeOverLease(_ name: String, from gone: String, holder: String, until: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE scheduler_lease SET holder = ?, expires_at = ? WHERE name = ? AND holder = ?",
            arguments: [holder, until.timeIntervalSince1970, name, gone])
        return db.changesCount == 1
    }

    /// Gives up the named lease if `holder` has it, so the next holder need not wait for it to run out.
    public func releaseLease(_ name: String, holder: String) throws {
        try db.execute(sql: "DELETE FROM scheduler_lease WHERE name = ? AND holder = ?", arguments: [name, holder])
    }
}

extension StoreReader {
    /// Who holds the named lease, if anyone has ever taken it.
    public func leaseHolder(_ name: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT holder FROM scheduler_lease WHERE name = ?", arguments: [name])
    }

    /// Whether another OV or OV Pro certificate of one of `brands`, owned by the same user as
    /// `certificateID`, had the very same organization (every organization field of
    /// `organization`) verified since `since`.
    public func organizationVerifiedRecently(
        _ organization: Application, sameOwnerAs certificateID: String, brands: [CABrand], since: Date
    ) throws -> Bool {
        let placeholders = Array(repeating: "?", count: brands.count).joined(separator: ", ")
        var arguments: StatementArguments = [
            organization.companyName, organization.companyUnit, organization.country, organization.province, organization.city,
            certificateID, since.timeIntervalSince1970, certificateID,
        ]
        _ = arguments.append(contentsOf: StatementArguments(brands.map(\.rawValue)))
        return try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM certificates c JOIN applications a ON a.certificate_id = c.id
                WHERE a.company_name = ? AND a.company_unit = ? AND a.country = ? AND a.province = ? AND a.city = ?
                  AND c.owner_id IS (SELECT owner_id FROM certificates WHERE id = ?)
                  AND c.organization_verified_at >= ? AND c.id <> ? AND c.type IN ('OV_SSL_CERT', 'OV_SSL_CERT_PRO')
                  AND c.brand IN (\(placeholders)))
                """, arguments: arguments) ?? false
    }
}

import Foundation
import GRDB
import SCMCore

/// Column mapping of `certificates`. Dates are stored as Unix seconds (REAL): cheap to decode
/// and to compare in indexes; money as integer cents.
extension Certificate {
    init(row: Row) {
        func date(_ column: String) -> Date? {
            (row[column] as Double?).map { Date(timeIntervalSince1970: $0) }
        }
        self.init(
            id: row["id"], name: row["name"],
            brand: CABrand(rawValue: row["brand"]) ?? .digiCert,
            type: CertificateType(rawValue: row["type"]) ?? .dv,
            domainType: DomainType(rawValue: row["domain_type"]) ?? .single,
            domainQuota: row["domain_quota"], validityYears: row["validity_years"],
            status: Status(rawValue: row["status"]) ?? .paid,
            origin: Origin(rawValue: row["origin"]) ?? .purchased,
            price: Decimal(row["price_cents"] as Int64) / 100,
            enterpriseProject: row["enterprise_project"],
            createdAt: date("created_at") ?? Date(timeIntervalSince1970: 0))
        description = row["description"]
        multiDomainPrimary = (row["multi_domain_primary"] as String?).flatMap(MultiDomainPrimary.init(rawValue:))
        orderID = row["order_id"]
        updatedAt = date("updated_at") ?? createdAt
        paidAt = date("paid_at")
        domain = row["domain"]
        sans = Self.splitDomains(row["sans"])
        keyAlgorithm = KeyAlgorithm(rawValue: row["key_algorithm"]) ?? .rsa2048
        validationMethod = ValidationMethod(rawValue: row["validation_method"]) ?? .dns
        rootHashAlgorithm = RootHashAlgorithm(rawValue: row["root_hash_algorithm"]) ?? .default
        csrSource = (row["csr_source"] as String?).flatMap(CSRSource.init(rawValue:))
        appliedAt = date("applied_at")
        privacyCancelled = row["privacy_cancelled"]
        signatureAlgorithm = row["signature_algorithm"]
        serialNumber = row["serial_number"]
        fingerprintSHA256 = row["fingerprint_sha256"]
        issuer = row["issuer"]
        notBefore = date("not_before")
        notAfter = date("not_after")
        issuedAt = date("issued_at")
        failReason = row["fail_reason"]
        revokeReason = row["revoke_reason"]
        renewalOf = row["renewal_of"]
        renewedBy = row["renewed_by"]
        autoRenew = row["auto_renew"]
        awaitingConfirmation = (row["awaiting_confirmation"] as String?).flatMap(Confirmation.init(rawValue:))
        notifyExpiring = row["notify_expiring"]
        notifyExpired = row["notify_expired"]
        csrID = row["csr_id"]
        reviewDueAt = date("review_due_at")
        holdReason = row["hold_reason"]
        organizationVerifiedAt = date("organization_verified_at")
    }

    static func splitDomains(_ joined: String) -> [String] {
        joined.split(separator: ";").map(String.init)
    }

    /// Every column but `seq` and `owner_id`, in one order, for INSERT and UPDATE.
    var columnValues: [(String, (any DatabaseValueConvertible)?)] {
        func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }
        return [
            ("id", id), ("name", name), ("description", description), ("brand", brand.rawValue),
            ("type", type.rawValue), ("domain_type", domainType.rawValue),
            ("multi_domain_primary", multiDomainPrimary?.rawValue), ("domain_quota", domainQuota),
            ("validity_years", validityYears), ("status", status.rawValue), ("origin", origin.rawValue),
            ("price_cents", NSDecimalNumber(decimal: price * 100).int64Value), ("order_id", orderID),
            ("enterprise_project", enterpriseProject), ("created_at", seconds(createdAt)),
            ("updated_at", seconds(updatedAt)), ("paid_at", seconds(paidAt)), ("domain", domain),
            ("sans", sans.joined(separator: ";")), ("key_algorithm", keyAlgorithm.rawValue),
            ("validation_method", validationMethod.rawValue), ("root_hash_algorithm", rootHashAlgorithm.rawValue),
            ("csr_source", csrSource?.rawValue), ("applied_at", seconds(appliedAt)),
            ("privacy_cancelled", privacyCancelled), ("signature_algorithm", signatureAlgorithm),
            ("serial_number", serialNumber), ("fingerprint_sha256", fingerprintSHA256), ("issuer", issuer),
            ("not_before", seconds(notBefore)), ("not_after", seconds(notAfter)), ("issued_at", seconds(issuedAt)),
            ("fail_reason", failReason), ("revoke_reason", revokeReason), ("renewal_of", renewalOf),
            ("renewed_by", renewedBy), ("auto_renew", autoRenew), ("awaiting_confirmation", awaitingConfirmation?.rawValue),
            ("notify_expiring", notifyExpiring), ("notify_expired", notifyExpired), ("csr_id", csrID),
            ("review_due_at", seconds(reviewDueAt)), ("hold_reason", holdReason),
            ("organization_verified_at", seconds(organizationVerifiedAt)),
        ]
    }
}

extension StoreReader {
    public func certificate(id: String) throws -> Certificate? {
        try Row.fetchOne(db, sql: "SELECT * FROM certificates WHERE id = ?", arguments: [id]).map(Certificate.init(row:))
    }

    /// One page of the list, and the total matching (RULES.md §2 statuses, keyword on name or domain).
    ///
    /// A keyword of three characters or more goes through the trigram index; shorter ones (which
    /// a trigram cannot match) fall back to LIKE over the rows left by the other filters.
    public func certificates(matching query: CertificateListQuery) throws -> Page<Certificate> {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status = query.status {
            conditions.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let project = query.enterpriseProject {
            conditions.append("enterprise_project = ?")
            _ = arguments.append(contentsOf: [project])
        }
        if let scope = query.projects.condition(on: "enterprise_project") {
            conditions.append(scope.sql)
            _ = arguments.append(contentsOf: scope.arguments)
        }
        if query.deployableOnly {
            conditions.append("status IN ('ISSUED', 'UPLOAD') AND coalesce(csr_source, '') <> 'uploaded'")
        }
        if let days = query.expiresWithinDays {
            guard let from = query.expiringFrom else { preconditionFailure("expiresWithinDays needs expiringFrom (the clock's now)") }
            conditions.append("status IN ('ISSUED', 'UPLOAD') AND not_after BETWEEN ? AND ?")
            _ = arguments.append(contentsOf: [from.timeIntervalSince1970, (from + .days(Double(days))).timeIntervalSince1970])
        }
        if let days = query.expiredDaysSince {
            guard let now = query.expiringFrom else { preconditionFailure("expiredDaysSince needs expiringFrom (the clock's now)") }
            conditions.append("(not_after IS NULL OR not_after >= ?)")
            _ = arguments.append(contentsOf: [(now - .days(Double(days))).timeIntervalSince1970])
        }
        let keyword = query.keyword
        var source = "certificates"
        if keyword.count >= 3 {
            let phrase = Self.ftsPhrase(keyword)
            if let matches = try fewSearchMatches(phrase) {
                // Few matches: start from them, one rowid lookup each, and match the trigram
                // index once, not again for the count and the page. Left to itself, SQLite walks
                // every row the status (or project) index allows and probes the matches for
                // each, which made the page cost grow with the table, not with the result.
                source = "json_each(?) AS search_match CROSS JOIN certificates ON certificates.seq = search_match.value"
                arguments = [Self.jsonArray(matches)] + arguments
            } else {
                conditions.append("seq IN (SELECT rowid FROM certificates_search WHERE certificates_search MATCH ?)")
                _ = arguments.append(contentsOf: [phrase])
            }
        } else if !keyword.isEmpty {
            conditions.append("(name LIKE ? ESCAPE '\\' OR domain LIKE ? ESCAPE '\\' OR sans LIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapeLike(keyword) + "%"
            _ = arguments.append(contentsOf: [pattern, pattern, pattern])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let direction = query.ascending ? "ASC" : "DESC"
        // Qualified: the search table has a `name` column too.
        let order: String =
            switch query.sort {
            case .updated: "certificates.updated_at \(direction), certificates.seq \(direction)"
            case .expires: "certificates.not_after \(direction) NULLS LAST, certificates.seq \(direction)"
            case .status: "certificates.status \(direction), certificates.updated_at DESC"
            case .name: "certificates.name \(direction), certificates.seq \(direction)"
            }
        // Cached statements: the SQL has a few shapes and the values are bound, so each pooled
        // connection prepares a shape once (preparing `SELECT *` ran GRDB's authorizer over every
        // column on every request: 5% of the list page's time).
        let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(source) \(whereClause)"), arguments: arguments) ?? 0
        var pageArguments = arguments
        _ = pageArguments.append(contentsOf: [query.limit, query.offset])
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT certificates.* FROM \(source) \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"),
            arguments: pageArguments)
        return Page(items: rows.map(Certificate.init(row:)), total: total)
    }

    /// At most this many matches make a keyword selective enough to drive the list query.
    static let selectiveSearchLimit = 1000

    /// The rows `phrase` matches when they are few enough to look each up rather than walk the
    /// rows the other filters allow; nil when there are more. Reads at most
    /// `selectiveSearchLimit + 1` matches, so the question costs little even for a keyword that
    /// matches every row.
    func fewSearchMatches(_ phrase: String) throws -> [Int64]? {
        let matches = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT rowid FROM certificates_search WHERE certificates_search MATCH ? LIMIT ?"),
            arguments: [phrase, Self.selectiveSearchLimit + 1])
        return matches.count <= Self.selectiveSearchLimit ? matches : nil
    }

    /// `[1,2,3]`, for `json_each(?)`: a list of row ids bound as one value.
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// The keyword as one FTS5 phrase: quotes doubled, so no query syntax gets through.
    static func ftsPhrase(_ keyword: String) -> String {
        "\"" + keyword.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func escapeLike(_ keyword: String) -> String {
        keyword.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    public func countByStatus(in projects: ProjectScope) throws -> [Certificate.Status: Int] {
        var counts: [Certificate.Status: Int] = [:]
        let scope = projects.condition(on: "enterprise_project")
        for row in try Row.fetchAll(
            db, sql: "SELECT status, count(*) AS n FROM certificates \(scope.map { "WHERE " + $0.sql } ?? "") GROUP BY status",
            arguments: scope?.arguments ?? [])
        {
            if let status = Certificate.Status(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    public func application(certificateID: String) throws -> Application? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM applications WHERE certificate_id = ?", arguments: [certificateID])
        else { return nil }
        var application = Application()
        application.companyName = row["company_name"]
        application.companyUnit = row["company_unit"]
        application.country = row["country"]
        application.province = row["province"]
        application.city = row["city"]
        application.applicantName = row["applicant_name"]
        application.applicantPhone = row["applicant_phone"]
        application.applicantEmail = row["applicant_email"]
        application.contactName = row["contact_name"]
        application.contactPhone = row["contact_phone"]
        application.contactEmail = row["contact_email"]
        return application
    }

    public func materials(certificateID: String) throws -> CertificateMaterials? {
        try Row.fetchOne(db, sql: "SELECT * FROM certificate_materials WHERE certificate_id = ?", arguments: [certificateID])
            .map {
                CertificateMaterials(
                    certificatePEM: $0["certificate_pem"], chainPEM: $0["chain_pem"], csrPEM: $0["csr_pem"],
                    sealedPrivateKey: ($0["sealed_private_key"] as Data?).map { [UInt8]($0) })
            }
    }
}

/// PEM and the sealed key of a certificate, read only when a page or a download needs them.
public struct CertificateMaterials: Sendable, Equatable {
    public var certificatePEM: String
    public var chainPEM: String
    public var csrPEM: String
    public var sealedPrivateKey: [UInt8]?

    public init(certificatePEM: String = "", chainPEM: String = "", csrPEM: String = "", sealedPrivateKey: [UInt8]? = nil) {
        self.certificatePEM = certificatePEM
        self.chainPEM = chainPEM
        self.csrPEM = csrPEM
        self.sealedPrivateKey = sealedPrivateKey
    }
}

extension StoreWriter {
    public func insert(_ certificate: Certificate, ownerID: Int64?) throws {
        let columns = certificate.columnValues
        let names = columns.map(\.0).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
        var arguments = StatementArguments(columns.map(\.1))
        _ = arguments.append(contentsOf: [ownerID])
        try db.execute(
            sql: "INSERT INTO certificates (\(names), owner_id) VALUES (\(placeholders))", arguments: arguments)
    }

    /// Writes `certificate` only if its row is still in `expectedStatus`: a compare-and-set, so
    /// of two concurrent operations on the same certificate exactly one wins.
    public func update(_ certificate: Certificate, expectedStatus: Certificate.Status) throws {
        let columns = certificate.columnValues.filter { $0.0 != "id" }
        let assignments = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
        var arguments = StatementArguments(columns.map(\.1))
        _ = arguments.append(contentsOf: [certificate.id, expectedStatus.rawValue])
        try db.execute(sql: "UPDATE certificates SET \(assignments) WHERE id = ? AND status = ?", arguments: arguments)
        if db.changesCount == 0 {
            throw StaleState(id: certificate.id, expected: expectedStatus.rawValue)
        }
    }

    public func deleteCertificate(id: String) throws {
        try db.execute(sql: "DELETE FROM certificates WHERE id = ?", arguments: [id])
    }

    public func save(_ application: Application, certificateID: String) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO applications (certificate_id, company_name, company_unit, country, province, city,
                    applicant_name, applicant_phone, applicant_email, contact_name, contact_phone, contact_email)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                certificateID, application.companyName, application.companyUnit, application.country,
                application.province, application.city, application.applicantName, application.applicantPhone,
                application.applicantEmail, application.contactName, application.contactPhone, application.contactEmail,
            ])
    }

    public func eraseApplication(certificateID: String) throws {
        try db.execute(sql: "DELETE FROM applications WHERE certificate_id = ?", arguments: [certificateID])
    }

    public func save(_ materials: CertificateMaterials, certificateID: String) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO certificate_materials (certificate_id, certificate_pem, chain_pem, csr_pem, sealed_private_key)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                certificateID, materials.certificatePEM, materials.chainPEM, materials.csrPEM,
                materials.sealedPrivateKey.map { Data($0) },
            ])
    }
}

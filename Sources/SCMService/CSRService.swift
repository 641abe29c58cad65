import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// The CSR list (RULES.md §4, SCM v3 CSR calls): CSRs made here (key sealed) or uploaded.
public struct CSRService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public struct NewCSR: Sendable {
        public var name: String
        public var domainName: String
        public var sans: String
        public var keyAlgorithm: String
        public var usage: String
        public var companyCountry = ""
        public var companyProvince = ""
        public var companyCity = ""
        public var companyName = ""
        /// The form's one-time token: the same form submitted twice creates one CSR.
        public var submissionToken: String?

        public init(name: String, domainName: String, sans: String = "", keyAlgorithm: String, usage: String = "PERSONAL") {
            self.name = name
            self.domainName = domainName
            self.sans = sans
            self.keyAlgorithm = keyAlgorithm
            self.usage = usage
        }
    }

    /// Generates the key pair (outside the transaction) and the CSR; the key is sealed.
    public func create(_ request: NewCSR, by principal: Principal) throws -> StoredCSR {
        var problems: [Refusal] = []
        func collect<T>(_ body: () throws(Refusal) -> T) -> T? {
            do throws(Refusal) { return try body() } catch {
                problems.append(error)
                return nil
            }
        }
        let name = collect { () throws(Refusal) -> String in try Self.validName(request.name) }
        let domain = collect { () throws(Refusal) -> String in
            try DomainName.normalize(request.domainName, allowWildcard: true, field: "domain_name")
        }
        let sans = request.sans.split(whereSeparator: { $0 == ";" || $0 == "," || $0.isNewline || $0 == " " }).compactMap { entry in
            collect { () throws(Refusal) -> String in
                try DomainName.normalize(String(entry), allowWildcard: true, field: ApplicationField.sans)
            }
        }
        let algorithm = KeyAlgorithm(rawValue: request.keyAlgorithm)
        if algorithm == nil {
            problems.append(.invalid("private_key_algo", "Key algorithm: choose RSA_2048, RSA_3072, RSA_4096, EC_P256 or EC_P384."))
        }
        let usage = StoredCSR.Usage(rawValue: request.usage)
        if usage == nil { problems.append(.invalid("usage", "Usage: PERSONAL or ENTERPRISE.")) }
        if usage == .enterprise {
            for (field, value, label) in [
                ("company_country", request.companyCountry, "Country"), ("company_province", request.companyProvince, "Province"),
                ("company_city", request.companyCity, "City"), ("company_name", request.companyName, "Company name"),
            ] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(.invalid(field, "\(label) is required for an ENTERPRISE CSR."))
            }
            if !request.companyCountry.isEmpty && CountryCode.normalized(request.companyCountry) == nil {
                problems.append(.invalid("company_country", "Country: \"\(request.companyCountry)\" is not an ISO 3166-1 alpha-2 code such as CN."))
            }
        }
        guard problems.isEmpty, let name, let domain, let algorithm, let usage else { throw RefusalList(problems) }
        let allNames = [domain] + sans.filter { $0 != domain }
        let key = try PrivateKey(generating: algorithm)
        let enterprise = usage == .enterprise
        let pem = try CSR.create(
            key: key, commonName: domain, subjectAlternativeNames: allNames,
            organization: enterprise ? request.companyName : nil, country: enterprise ? request.companyCountry.uppercased() : nil,
            province: enterprise ? request.companyProvince : nil, city: enterprise ? request.companyCity : nil)
        var csr = StoredCSR(
            id: Self.newID(), name: name, pem: pem, domainName: domain, sans: Array(allNames.dropFirst()),
            keyAlgorithm: algorithm.rawValue, usage: usage, sealedPrivateKey: try context.sealer.seal(Array(key.pem.utf8)),
            ownerID: principal.userReference, createdAt: context.clock.now)
        if enterprise {
            csr.companyCountry = request.companyCountry.uppercased()
            csr.companyProvince = request.companyProvince
            csr.companyCity = request.companyCity
            csr.companyName = request.companyName
        }
        try insert(csr, by: principal, action: "scm:csr:create", submissionToken: request.submissionToken)
        return csr
    }

    /// Uploads a CSR (signature checked), optionally with its key, which must match.
    public func upload(name: String, pem: String, privateKey: String?, by principal: Principal) throws -> StoredCSR {
        let validName = try Self.validName(name)
        let info: CSRInfo
        do { info = try CSR.parse(pem: pem) } catch {
            throw Refusal.invalid("csr", "CSR: \(error.message). Paste a PEM CSR (-----BEGIN CERTIFICATE REQUEST-----).")
        }
        // A CSR whose key the CA will not sign is of no use in the list (RULES.md §1).
        let keyAlgorithm = try info.catalogueKey(field: "csr")
        var sealed: [UInt8]?
        if let privateKey, !privateKey.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let key: PrivateKey
            do { key = try PrivateKey(pem: privateKey) } catch {
                throw Refusal.invalid("private_key", "Private key: \(error.message)")
            }
            guard CSR.publicKeyMatches(csrPEM: pem, key: key) else {
                throw Refusal.invalid("private_key", "Private key: it does not match the CSR's public key.")
            }
            sealed = try context.sealer.seal(Array(key.pem.utf8))
        }
        let names = info.domainNames
        let csr = StoredCSR(
            id: Self.newID(), name: validName, pem: pem.trimmingCharacters(in: .whitespacesAndNewlines) + "\n",
            domainName: names.first ?? info.commonName, sans: Array(names.dropFirst()),
            keyAlgorithm: keyAlgorithm.rawValue, usage: info.organization == nil ? .personal : .enterprise,
            sealedPrivateKey: sealed, ownerID: principal.userReference, createdAt: context.clock.now)
        try insert(csr, by: principal, action: "scm:csr:upload")
        return csr
    }

    public func rename(id: String, name: String, by principal: Principal) throws -> StoredCSR {
        let validName = try Self.validName(name)
        let now = context.clock.now
        return try context.database.write { store in
            _ = try Self.authorized(.csrUpdate, id: id, in: store.reader, by: principal)
            try store.renameCSR(id: id, name: validName, at: now)
            try store.append(Event(at: now, actor: principal.name, action: "scm:csr:update", target: id, remoteAddress: principal.remoteAddress))
            return try store.reader.csr(id: id)!
        }
    }

    /// A CSR in use by a certificate that is not finished with it cannot be deleted (issue 4).
    public func delete(id: String, by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            _ = try Self.authorized(.csrDelete, id: id, in: store.reader, by: principal)
            let users = try store.reader.certificatesUsing(csrID: id)
            guard users.isEmpty else {
                throw Refusal(.csrInUse, "The CSR is in use by certificate \(users.joined(separator: ", ")) and cannot be deleted.")
            }
            try store.deleteCSR(id: id)
            try store.append(Event(at: now, actor: principal.name, action: "scm:csr:delete", target: id, remoteAddress: principal.remoteAddress))
        }
    }

    /// The CSR `id`, when `principal` may do `action` on it (`Principal.authorize(_:onCSR:)`).
    public func csr(id: String, for action: Action = .csrGet, by principal: Principal) throws -> StoredCSR {
        try context.database.read { try Self.authorized(action, id: id, in: $0, by: principal) }
    }

    /// The CSRs `principal` may list: everyone's with an unscoped grant, else their own.
    public func list(
        name: String? = nil, keyAlgorithm: String? = nil, offset: Int = 0, limit: Int = 50, by principal: Principal
    ) throws -> Page<StoredCSR> {
        try context.database.read {
            try $0.csrs(name: name, keyAlgorithm: keyAlgorithm, scope: principal.ownerScope(for: .csrList), offset: offset, limit: limit)
        }
    }

    /// The private key in clear: an audited export of its own (issue 8: `scm:cert:download`).
    public func privateKey(id: String, by principal: Principal) throws -> String {
        let csr = try csr(id: id, for: .csrDownload, by: principal)
        guard let sealed = csr.sealedPrivateKey else {
            throw Refusal(.invalidInput, "This CSR was uploaded without its private key: there is no key to show.")
        }
        let pem = String(decoding: try context.sealer.open(sealed), as: UTF8.self)
        try context.database.write { store in
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "scm:cert:download", target: id, detail: "CSR private key",
                      remoteAddress: principal.remoteAddress))
        }
        return pem
    }

    /// Reads the CSR and checks `action` on it in the same transaction as the change it guards.
    static func authorized(_ action: Action, id: String, in reader: StoreReader, by principal: Principal) throws -> StoredCSR {
        guard let csr = try reader.csr(id: id) else { throw Refusal(.notFound, "There is no CSR with ID \(id).") }
        try principal.authorize(action, onCSR: csr)
        return csr
    }

    private func insert(_ csr: StoredCSR, by principal: Principal, action: String, submissionToken: String? = nil) throws {
        try context.database.write { store in
            try LifecycleService.claim(submissionToken, for: "CSR \(csr.name) (\(csr.id))", what: "Create CSR", in: store, at: csr.createdAt)
            try store.insert(csr)
            try store.append(Event(at: csr.createdAt, actor: principal.name, action: action, target: csr.id, detail: csr.name, remoteAddress: principal.remoteAddress))
        }
    }

    static func validName(_ name: String) throws(Refusal) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...63).contains(trimmed.count), trimmed.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw Refusal.invalid("name", "Name: 1–63 letters, digits, '_', '-' or '.'.")
        }
        return trimmed
    }

    static func newID() -> String { "csr" + SecureRandom.hex(10) }
}

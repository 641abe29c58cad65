import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Upload external certificate (RULES.md §3, Upload; scm-v3.md §4.2 import_certificate): a PEM
/// certificate with its chain and its PEM private key become a certificate in UPLOAD. Called by
/// the Upload page and by the API's import alike.
public struct UploadService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    /// The form and API field names, which refusals carry in `field`.
    public enum Field {
        public static let name = "name"
        public static let certificate = "certificate"
        public static let chain = "certificate_chain"
        public static let privateKey = "private_key"
        public static let enterpriseProject = "enterprise_project"
    }

    /// Checks the upload and stores it: one transaction with the event `scm:cert:upload`.
    ///
    /// - `certificatePEM`: the leaf first; it may carry the chain after it. When `chainPEM` is not
    ///   blank, only the leaf is taken from `certificatePEM` (scm-v3.md §4.2).
    /// - `privateKeyPEM`: unencrypted PEM; it is sealed with the master key before it is stored.
    /// - `duplicateCheck`: refuse a certificate (same SHA-256 fingerprint) already in the manager.
    ///
    /// Refusals, each with its own code, message and field: unreadable or non-PEM certificate
    /// (`.certificateParse`, `.notPEM` with the `openssl` command that converts DER or PKCS#12),
    /// chain (`.chainParse`, `.chainTooShort` when the leaf comes alone), key (`.privateKeyParse`,
    /// also for a password-protected key; `.notPEM`), `.keyMismatch`, `.certificateExpired` (at
    /// the clock's `now`: valid while `now < notAfter`), name and project (`.invalidInput`). Every
    /// input problem found is thrown at once as a `RefusalList`.
    @discardableResult
    public func upload(
        name: String, certificatePEM: String, chainPEM: String = "", privateKeyPEM: String,
        enterpriseProject: String = Certificate.defaultProject, duplicateCheck: Bool = false, by principal: Principal
    ) throws -> Certificate {
        do {
            let checked = try check(
                name: name, certificatePEM: certificatePEM, chainPEM: chainPEM, privateKeyPEM: privateKeyPEM,
                enterpriseProject: enterpriseProject)
            try principal.permissions.authorize(.certUpload, into: checked.project)
            let sealed = try context.sealer.seal(Array(checked.key.pem.utf8))
            let now = context.clock.now
            let certificate = makeCertificate(checked, now: now)
            try context.database.write { store in
                if duplicateCheck,
                    let existing = try store.reader.certificateIDs(fingerprintSHA256: checked.leaf.fingerprintSHA256)
                        .first
                {
                    throw Refusal(
                        .conflict,
                        "Certificate: this certificate (SHA-256 \(checked.leaf.fingerprintSHA256.prefix(23))…) is already in the manager as \(existing); it was not uploaded again.",
                        field: Field.certificate)
                }
                try store.insert(certificate, ownerID: principal.userReference)
                try store.save(
                    CertificateMaterials(
                        certificatePEM: checked.leaf.pem, chainPEM: checked.chain.map(\.pem).joined(),
                        sealedPrivateKey: sealed),
                    certificateID: certificate.id)
                try store.append(
                    Event(
                        at: now, actor: principal.name, action: "scm:cert:upload", target: certificate.id,
                        detail:
                            "\(certificate.allDomains.joined(separator: ", ")); issuer \(checked.leaf.issuer); SHA-256 \(checked.leaf.fingerprintSHA256)",
                        remoteAddress: principal.remoteAddress))
            }
            return certificate
        } catch let error where error is Refusal || error is RefusalList {
            let messages = (error as? RefusalList)?.refusals.map(\.message) ?? [(error as? Refusal)?.message ?? ""]
            try? context.database.write { store in
                try store.append(
                    Event(
                        at: context.clock.now, actor: principal.name, action: "scm:cert:upload", target: "",
                        result: .refused,
                        detail: messages.joined(separator: " "), remoteAddress: principal.remoteAddress))
            }
            throw error
        }
    }

    /// What `check` read from an acceptable upload.
    struct CheckedUpload {
        let name: String
        let project: String
        let leaf: CertificateInfo
        let chain: [CertificateInfo]
        let key: PrivateKey
        let keyAlgorithm: KeyAlgorithm
    }

    /// Every rule of the upload, without touching the database. Input errors of different fields
    /// are collected; the relations between certificate, chain and key are checked only once each
    /// of them could be read.
    func check(
        name: String, certificatePEM: String, chainPEM: String, privateKeyPEM: String, enterpriseProject: String
    ) throws -> CheckedUpload {
        var refusals: [Refusal] = []
        func attempt<T>(_ body: () throws(Refusal) -> T) -> T? {
            do { return try body() } catch {
                refusals.append(error)
                return nil
            }
        }
        let validName = attempt { () throws(Refusal) in try CertificateName.validate(name) }
        let bundle = attempt { () throws(Refusal) in try Self.readCertificates(certificatePEM) }
        let separateChain =
            Self.isBlank(chainPEM) ? nil : attempt { () throws(Refusal) in try Self.readChain(chainPEM) }
        let key = attempt { () throws(Refusal) in try Self.readKey(privateKeyPEM) }
        let project =
            enterpriseProject.trimmingCharacters(in: .whitespaces).isEmpty
            ? Certificate.defaultProject : enterpriseProject.trimmingCharacters(in: .whitespaces)
        if !PurchaseRequest.isValidProject(project) {
            refusals.append(.invalid(Field.enterpriseProject, "Enterprise project: 1–64 letters, digits, '-' or '_'."))
        }

        if let bundle, let key, Self.isBlank(chainPEM) || separateChain != nil {
            let leaf = bundle[0]
            let chain = separateChain ?? Array(bundle.dropFirst())
            if let refusal = Self.relationRefusal(leaf: leaf, chain: chain, key: key.key, now: context.clock.now) {
                refusals.append(refusal)
            }
            if refusals.isEmpty, let validName {
                return CheckedUpload(
                    name: validName, project: project, leaf: leaf, chain: chain, key: key.key,
                    keyAlgorithm: key.algorithm)
            }
        }
        throw RefusalList(refusals)
    }

    /// The new certificate row, everything read from the X.509 certificate.
    ///
    /// *(decisions)* The primary domain is the subject's common name, or the first subjectAltName
    /// when there is none; the other names are the additional domains. The domain type follows
    /// the names (several → multiple, `*.` → wildcard). The brand is the catalogue brand the
    /// issuer names, DigiCert otherwise (an uploaded certificate shows "Uploaded certificate"
    /// instead of its brand); the type is OV when the subject names an organization, DV otherwise.
    func makeCertificate(_ checked: CheckedUpload, now: Date) -> Certificate {
        let leaf = checked.leaf
        let names = Self.domainNames(of: leaf)
        let domainType: DomainType =
            names.count > 1 ? .multiple : (names.first?.hasPrefix("*.") == true ? .wildcard : .single)
        var certificate = Certificate(
            id: context.identifiers.certificateID(), name: checked.name,
            brand: CABrand.allCases.first { leaf.issuer.localizedCaseInsensitiveContains($0.displayName) } ?? .digiCert,
            type: leaf.subject.contains("O=") ? .ov : .dv, domainType: domainType, domainQuota: max(1, names.count),
            status: .upload, origin: .uploaded, price: 0, enterpriseProject: checked.project, createdAt: now)
        if domainType == .multiple { certificate.multiDomainPrimary = names[0].hasPrefix("*.") ? .wildcard : .single }
        certificate.domain = names.first ?? ""
        certificate.sans = Array(names.dropFirst())
        certificate.keyAlgorithm = checked.keyAlgorithm
        certificate.record(leaf)
        certificate.issuedAt = leaf.notBefore
        return certificate
    }

    /// The common name first (when it has one), then every subjectAltName not already named.
    static func domainNames(of leaf: CertificateInfo) -> [String] {
        var names: [String] = []
        for name in [leaf.commonName ?? ""] + leaf.subjectAlternativeNames where !name.isEmpty && !names.contains(name)
        {
            names.append(name.lowercased())
        }
        return names
    }

    // MARK: Reading each input

    /// The text of an uploaded .pem/.crt/.key file for `upload`: the file itself when it is
    /// UTF-8 text, otherwise its base64, which `upload` recognizes as DER or PKCS#12 and refuses
    /// with the `openssl` command that converts it.
    public static func text(ofFile bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !text.contains("\u{0}") { return text }
        return Data(bytes).base64EncodedString()
    }

    static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }

    /// How to turn each non-PEM encoding into PEM, for the refusal messages.
    static let certificateConversion =
        "Convert a DER certificate with `openssl x509 -inform der -in cert.der -out cert.pem`, or take the PEM pieces out of a PKCS#12 file with `openssl pkcs12 -in cert.pfx -nodes -out all.pem`."

    /// The certificate field: the leaf and whatever chain follows it.
    static func readCertificates(_ text: String) throws(Refusal) -> [CertificateInfo] {
        let label = "Certificate"
        guard !isBlank(text) else {
            throw Refusal(
                .certificateParse,
                "\(label): paste the certificate in PEM (-----BEGIN CERTIFICATE-----) or choose a .pem/.crt file.",
                field: Field.certificate)
        }
        try refuseNonPEM(text, label: label, field: Field.certificate)
        let certificates: [CertificateInfo]
        do { certificates = try X509.parseBundle(text) } catch {
            throw Refusal(
                .certificateParse, "\(label): \(error.message). \(certificateConversion)", field: Field.certificate)
        }
        if certificates[0].isCA, certificates.dropFirst().contains(where: { !$0.isCA }) {
            throw Refusal(
                .certificateParse,
                "\(label): the first certificate (\(certificates[0].subject)) is a CA certificate; put the server certificate first and its chain after it.",
                field: Field.certificate)
        }
        return certificates
    }

    /// The separate chain field.
    static func readChain(_ text: String) throws(Refusal) -> [CertificateInfo] {
        try refuseNonPEM(text, label: "Certificate chain", field: Field.chain)
        do {
            return try X509.parseBundle(text)
        } catch {
            throw Refusal(
                .chainParse,
                "Certificate chain: \(error.message). Paste the intermediate CA certificates in PEM, one after the other.",
                field: Field.chain)
        }
    }

    /// The private key, unencrypted, of an algorithm of the catalogue.
    ///
    /// *(decision)* Keys outside the catalogue (RSA 1024, RSA 8192, other curves) are refused, as
    /// for an uploaded CSR, so the stored key algorithm is always one of RULES.md §1.
    static func readKey(_ text: String) throws(Refusal) -> (key: PrivateKey, algorithm: KeyAlgorithm) {
        let label = "Private key"
        guard !isBlank(text) else {
            throw Refusal(
                .privateKeyParse,
                "\(label): paste the private key in PEM (-----BEGIN PRIVATE KEY-----) or choose a .key file.",
                field: Field.privateKey)
        }
        if !X509.isPEM(text) {
            switch BinaryEncoding.identify(base64: text) {
            case .derPrivateKey:
                throw Refusal(
                    .notPEM,
                    "\(label): this is a DER (binary) key, not PEM. Convert it with `openssl pkey -inform der -in key.der -out key.pem` and upload key.pem.",
                    field: Field.privateKey)
            case .pkcs12:
                throw Refusal(
                    .notPEM,
                    "\(label): this is a PKCS#12 keystore, not a PEM key. Take the key out with `openssl pkcs12 -in cert.pfx -nodes -nocerts -out key.pem` and upload key.pem.",
                    field: Field.privateKey)
            case .derCertificate, .unknown:
                throw Refusal(
                    .privateKeyParse,
                    "\(label): the text is not a private key in PEM (no -----BEGIN PRIVATE KEY----- block). Upload the .key file the certificate's CSR was made with.",
                    field: Field.privateKey)
            }
        }
        let key: PrivateKey
        do {
            key = try PrivateKey(pem: text)
        } catch  where error.kind == .encryptedKey {
            throw Refusal(
                .privateKeyParse,
                "\(label): it is password-protected, and SCM takes keys without a password. Remove the password first: `openssl pkey -in key.pem -out key-nopass.pem`, then upload key-nopass.pem.",
                field: Field.privateKey)
        } catch {
            throw Refusal(.privateKeyParse, "\(label): \(error.message).", field: Field.privateKey)
        }
        guard let algorithm = key.keyAlgorithm else {
            throw Refusal(
                .privateKeyParse,
                "\(label): it is \(key.algorithmDescription); SCM holds RSA 2048/3072/4096 and EC P-256/P-384 keys.",
                field: Field.privateKey)
        }
        return (key, algorithm)
    }

    /// A text with no PEM block: a DER or PKCS#12 file (possibly in base64) gets the command that
    /// converts it (`.notPEM`); anything else is not a certificate at all (`.certificateParse`).
    static func refuseNonPEM(_ text: String, label: String, field: String) throws(Refusal) {
        guard !X509.isPEM(text) else { return }
        switch BinaryEncoding.identify(base64: text) {
        case .derCertificate:
            throw Refusal(
                .notPEM,
                "\(label): this is a DER (binary) certificate, not PEM. Convert it with `openssl x509 -inform der -in cert.der -out cert.pem` and upload cert.pem.",
                field: field)
        case .pkcs12:
            throw Refusal(
                .notPEM,
                "\(label): this is a PKCS#12 keystore (.pfx/.p12), not PEM. Take the PEM pieces out with `openssl pkcs12 -in cert.pfx -nodes -out all.pem` and upload the certificates and the key from all.pem.",
                field: field)
        case .derPrivateKey:
            throw Refusal(
                .notPEM,
                "\(label): this is a private key in DER, not a certificate. Put the key in the private key field, as PEM.",
                field: field)
        case .unknown:
            throw Refusal(
                field == Field.chain ? .chainParse : .certificateParse,
                "\(label): the text is not a certificate: it has no -----BEGIN CERTIFICATE----- block. \(certificateConversion)",
                field: field)
        }
    }

    /// The rules between the pieces, in the order a user fixes them: the key must be the
    /// certificate's, the certificate must not have expired (`now < notAfter`), and the chain must
    /// hold at least the issuing CA's certificate (chain length > 1, RULES.md §3).
    static func relationRefusal(leaf: CertificateInfo, chain: [CertificateInfo], key: PrivateKey, now: Date) -> Refusal?
    {
        if !X509.keyMatches(certificatePEM: leaf.pem, key: key) {
            let which =
                key.algorithmDescription == leaf.keyDescription
                ? "a different \(key.algorithmDescription) key"
                : "\(key.algorithmDescription), the certificate's is \(leaf.keyDescription)"
            return Refusal(
                .keyMismatch,
                "Private key: it does not belong to the certificate (\(which)). Upload the key the certificate's CSR was made with.",
                field: Field.privateKey)
        }
        if !(now < leaf.notAfter) {
            return Refusal(
                .certificateExpired,
                "Certificate: it expired on \(Self.timestamp(leaf.notAfter)); an expired certificate cannot be uploaded. Upload its renewed certificate.",
                field: Field.certificate)
        }
        if chain.isEmpty {
            return Refusal(
                .chainTooShort,
                "Certificate chain: only the certificate itself was given; the chain must include the intermediate CA certificate that issued it (\(leaf.issuer)). Paste it after the certificate or in the chain field.",
                field: Field.chain)
        }
        if !chain.contains(where: { $0.subject == leaf.issuer }) {
            return Refusal(
                .chainParse,
                "Certificate chain: none of its certificates issued this certificate. The certificate's issuer is \(leaf.issuer); the chain holds \(chain.map(\.subject).joined(separator: "; ")).",
                field: Field.chain)
        }
        return nil
    }

    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d UTC", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Download (RULES.md §3, §7) and the API's export (scm-v3.md §4.2): the only places where a
/// private key leaves its seal. Each one is audited as `scm:cert:download` with what was taken.
public struct DownloadService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    /// What the Download page shows before the user picks a server type.
    public struct Availability: Sendable {
        public let certificate: Certificate
        /// False when the certificate's private key is not held here; then every zip holds the
        /// certificate and its chain alone.
        public let hasPrivateKey: Bool
        /// Why the key is missing, in a sentence for the page and the zip's README.
        public let missingKeyReason: String?
    }

    /// One zip, ready to send.
    public struct Package: Sendable {
        /// `{base}_{server}.zip` (see `DownloadServer`).
        public let fileName: String
        public let bytes: [UInt8]
        /// The paths inside the zip, in order.
        public let files: [String]
        /// The keystore password written into `keystorePass.txt`, for the keystore types.
        public let keystorePassword: String?
    }

    /// The PEM pieces of the API's export_certificate.
    public struct Export: Sendable {
        public let certificate: String
        public let chain: String
        /// Unencrypted PKCS#8 PEM; nil when the key is not held here.
        public let privateKey: String?
        /// Certificate then chain.
        public var entireCertificate: String { certificate + chain }
    }

    /// Whether the certificate can be downloaded now, and with or without its key. Records nothing.
    public func availability(id: String, by principal: Principal) throws -> Availability {
        let (certificate, materials) = try loadDownloadable(id)
        return Availability(
            certificate: certificate, hasPrivateKey: materials.sealedPrivateKey != nil,
            missingKeyReason: materials.sealedPrivateKey == nil ? Self.missingKeyReason(certificate) : nil)
    }

    /// The zip for one server type (layout: `DownloadServer`). Allowed by `check(.download, …)`:
    /// ISSUED, EXPIRED, SUPPLEMENTCHECKING (the current certificate) and UPLOAD. The event is
    /// written before the bytes are returned, so no key leaves unaudited.
    public func download(id: String, server: DownloadServer, by principal: Principal) throws -> Package {
        try audited(id, detail: "\(server.displayName) zip", by: principal) { certificate, materials in
            let base = Self.baseName(certificate)
            let folder = "\(base)_\(server.rawValue)"
            let chain = Self.normalizedPEM(materials.chainPEM)
            let leaf = Self.normalizedPEM(materials.certificatePEM)
            var files: [DownloadArchive.File] = []
            func add(_ name: String, _ text: String, secret: Bool = false) {
                files.append(.init(path: "\(folder)/\(name)", bytes: Array(text.utf8), secret: secret))
            }
            var password: String?
            if let key = try openKey(materials) {
                switch server {
                case .nginx, .resin:
                    add("\(base).crt", leaf + chain)
                    add("\(base).key", key.pem, secret: true)
                case .apache:
                    add("\(base).crt", leaf)
                    add("\(base)_ca.crt", chain)
                    add("\(base).key", key.pem, secret: true)
                case .tomcat, .iis, .weblogic:
                    let generated = SecureRandom.hex(8)
                    let keystore = try PKCS12.make(
                        certificatePEM: leaf, key: key, chainPEMs: chain.isEmpty ? [] : [chain], friendlyName: base,
                        password: generated)
                    let fileName = server == .weblogic ? "\(base).p12" : "\(base).pfx"
                    files.append(.init(path: "\(folder)/\(fileName)", bytes: keystore, secret: true))
                    add("keystorePass.txt", generated + "\n", secret: true)
                    password = generated
                case .other:
                    add("\(base).pem", leaf)
                    add("\(base)_chain.pem", chain)
                    add("\(base)_fullchain.pem", leaf + chain)
                    add("\(base).key", key.pem, secret: true)
                }
            } else {
                add("\(base).crt", leaf)
                add("\(base)_ca.crt", chain)
                add("\(base)_fullchain.crt", leaf + chain)
                add(
                    "README.txt",
                    "\(Self.missingKeyReason(certificate))\nUse these files with the private key you made the CSR with"
                        + (server.usesKeystore
                            ? "; for a \(server.displayName) keystore: openssl pkcs12 -export -in \(base)_fullchain.crt -inkey your.key -out \(base).pfx\n"
                            : ".\n"))
            }
            let bytes = try DownloadArchive.zip(files, modified: context.clock.now)
            return Package(fileName: "\(folder).zip", bytes: bytes, files: files.map(\.path), keystorePassword: password)
        }
    }

    /// The certificate, its chain and the private key in PEM, for the API's export call; audited
    /// like a download.
    public func export(id: String, by principal: Principal) throws -> Export {
        try audited(id, detail: "export (PEM)", by: principal) { _, materials in
            Export(
                certificate: Self.normalizedPEM(materials.certificatePEM), chain: Self.normalizedPEM(materials.chainPEM),
                privateKey: try openKey(materials)?.pem)
        }
    }

    // MARK: Steps

    /// Loads the certificate and its files, and refuses what cannot be downloaded: a status
    /// `check(.download, …)` refuses, or a certificate whose X.509 file is not stored (nothing to
    /// put in the zip).
    func loadDownloadable(_ id: String) throws -> (Certificate, CertificateMaterials) {
        let loaded: (Certificate, CertificateMaterials?)? = try context.database.read { store in
            guard let certificate = try store.certificate(id: id) else { return nil }
            return (certificate, try store.materials(certificateID: id))
        }
        guard let (certificate, materials) = loaded else { throw Refusal(.notFound, "There is no certificate with ID \(id).") }
        try check(.download, on: certificate, now: context.clock.now)
        guard let materials, !materials.certificatePEM.allSatisfy(\.isWhitespace) else {
            throw Refusal(
                .notFound,
                "Certificate \(id) has no certificate file stored here, so there is nothing to download."
            )
        }
        return (certificate, materials)
    }

    /// Runs `body` on a downloadable certificate and appends `scm:cert:download` with `detail`
    /// after it succeeded; a refusal is recorded as refused.
    func audited<T>(
        _ id: String, detail: String, by principal: Principal, _ body: (Certificate, CertificateMaterials) throws -> T
    ) throws -> T {
        do {
            let (certificate, materials) = try loadDownloadable(id)
            let result = try body(certificate, materials)
            let keyNote = materials.sealedPrivateKey == nil ? " without private key" : " with private key"
            try context.database.write { store in
                try store.append(
                    Event(
                        at: context.clock.now, actor: principal.name, action: "scm:cert:download", target: id,
                        detail: detail + keyNote, remoteAddress: principal.remoteAddress))
            }
            return result
        } catch let refusal as Refusal {
            try? context.database.write { store in
                try store.append(
                    Event(
                        at: context.clock.now, actor: principal.name, action: "scm:cert:download", target: id, result: .refused,
                        detail: refusal.message, remoteAddress: principal.remoteAddress))
            }
            throw refusal
        }
    }

    /// The private key, out of its seal: only here, only for the download or export at hand.
    func openKey(_ materials: CertificateMaterials) throws -> PrivateKey? {
        guard let sealed = materials.sealedPrivateKey else { return nil }
        let plain = try context.sealer.open(sealed)
        return try PrivateKey(pem: String(decoding: plain, as: UTF8.self))
    }

    static func missingKeyReason(_ certificate: Certificate) -> String {
        certificate.csrSource == .uploaded
            ? "This certificate was applied for with an uploaded CSR, so its private key was never here: the download holds the certificate and its chain alone."
            : "This certificate's CSR was uploaded to the CSR list without its private key, so the key is not here: the download holds the certificate and its chain alone."
    }

    /// The primary domain with `*` as `_`, or the certificate's name: safe as a file name.
    static func baseName(_ certificate: Certificate) -> String {
        let source = certificate.domain.isEmpty ? certificate.name : certificate.domain
        let safe = String(source.map { $0 == "*" ? "_" : ($0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) ? $0 : "_") })
        return safe.isEmpty ? certificate.id : safe
    }

    /// Stored PEM as files want it: each line trimmed, ending with one newline; empty stays empty.
    static func normalizedPEM(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}

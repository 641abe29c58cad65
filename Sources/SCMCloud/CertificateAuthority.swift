import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// The simulated CAs: one root and one intermediate per brand, made on first start, their keys
/// sealed like every private key. Signing is real X.509 that `openssl verify` accepts against
/// the brand's root.
public struct CertificateAuthority: Sendable {
    let database: AppDatabase
    let sealer: KeySealer

    public init(database: AppDatabase, sealer: KeySealer) {
        self.database = database
        self.sealer = sealer
    }

    /// The issued certificate and the chain to present with it (intermediate, then root).
    public struct Issued: Sendable {
        public let certificatePEM: String
        public let chainPEM: String
        public let info: CertificateInfo
    }

    /// Creates the missing brands' CAs. Key generation runs outside any transaction; the insert
    /// is `OR IGNORE`, so two processes starting together keep the first one's CA.
    public func ensureAuthorities(now: Date) throws {
        let existing = try database.read { store in try CABrand.allCases.filter { try store.authority($0) != nil } }
        for brand in CABrand.allCases where !existing.contains(brand) {
            let record = try makeAuthority(brand, now: now)
            try database.write { try $0.insert(record) }
        }
    }

    func makeAuthority(_ brand: CABrand, now: Date) throws -> AuthorityRecord {
        let organization = "\(brand.displayName) (simulated)"
        let rootKey = try PrivateKey(generating: .ecP384)
        let root = try CertificateSigner.selfSignedRoot(
            key: rootKey, commonName: "\(brand.displayName) Simulated Root CA", organization: organization,
            country: "US",
            notBefore: now - .days(1), notAfter: now + .days(365 * 20), hash: .sha384)
        let intermediateKey = try PrivateKey(generating: .ecP384)
        let intermediate = try CertificateSigner.intermediate(
            key: intermediateKey, commonName: "\(brand.displayName) Simulated TLS CA 2026", organization: organization,
            country: "US", issuerCertificatePEM: root, issuerKey: rootKey, notBefore: now - .days(1),
            notAfter: now + .days(365 * 10), hash: .sha384)
        return AuthorityRecord(
            brand: brand, rootPEM: root, rootSealedKey: try sealer.seal(Array(rootKey.pem.utf8)),
            intermediatePEM: intermediate, intermediateSealedKey: try sealer.seal(Array(intermediateKey.pem.utf8)),
            createdAt: now)
    }

    public func authority(_ brand: CABrand) throws -> AuthorityRecord {
        guard let record = try database.read({ try $0.authority(brand) }) else {
            try ensureAuthorities(now: Date())
            guard let record = try database.read({ try $0.authority(brand) }) else {
                throw PKIError(.invalidInput, "no CA for \(brand.displayName)")
            }
            return record
        }
        return record
    }

    /// The request itself cannot be signed (its CSR, key or names), as opposed to the CA failing:
    /// trying again would fail the same way, so the certificate fails review (RULES.md §3).
    public struct SigningRefused: Error, Sendable {
        public let message: String
        static let requestFaults: Set<PKIError.Kind> = [.malformed, .unsupportedKey, .badSignature, .invalidInput]
    }

    /// Signs `csrPEM` for `names` (the first is the subject CN). The subject carries the
    /// organization for OV/EV and never personal contact data or an OU (RULES.md §1).
    public func issue(
        csrPEM: String, names: [String], brand: CABrand, type: CertificateType, application: Application?,
        notBefore: Date, notAfter: Date
    ) throws -> Issued {
        try signer(for: brand).issue(
            csrPEM: csrPEM, names: names, type: type, application: application, notBefore: notBefore, notAfter: notAfter
        )
    }

    /// A brand's intermediate with its key opened, for signing many certificates in a row
    /// (`scm seed`) without reading and unsealing the key for each.
    public func signer(for brand: CABrand) throws -> Signer {
        let record = try authority(brand)
        return Signer(
            record: record,
            issuerKey: try PrivateKey(
                pem: String(decoding: try sealer.open(record.intermediateSealedKey), as: UTF8.self)))
    }

    public struct Signer: Sendable {
        let record: AuthorityRecord
        let issuerKey: PrivateKey

        /// See `CertificateAuthority.issue`.
        public func issue(
            csrPEM: String, names: [String], type: CertificateType, application: Application?, notBefore: Date,
            notAfter: Date
        ) throws -> Issued {
            let organization =
                type.verifiesOrganization ? application.flatMap { $0.companyName.isEmpty ? nil : $0 } : nil
            let pem: String
            do {
                pem = try CertificateSigner.leaf(
                    csrPEM: csrPEM, commonName: names.first ?? "", subjectAlternativeNames: names,
                    organization: organization?.companyName, country: organization?.country,
                    province: organization?.province, city: organization?.city,
                    issuerCertificatePEM: record.intermediatePEM, issuerKey: issuerKey, notBefore: notBefore,
                    notAfter: notAfter,
                    hash: type.isPro ? .sha384 : .sha256)
            } catch {
                guard SigningRefused.requestFaults.contains(error.kind) else { throw error }
                throw SigningRefused(message: error.message)
            }
            return Issued(
                certificatePEM: pem, chainPEM: record.intermediatePEM + record.rootPEM, info: try X509.parse(pem: pem))
        }
    }
}

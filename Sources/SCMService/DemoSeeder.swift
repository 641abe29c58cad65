import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Realistic demo certificates for `scm seed`: every status and type, dates spread around now so
/// that "Expire soon", expired and fresh certificates all appear. Seeded certificates carry
/// descriptive data only; certificates with real X.509 material come from the CA simulator.
public struct DemoSeeder: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    static let companies = [
        "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "wonka", "tyrell",
        "cyberdyne", "soylent", "aperture", "blackmesa", "oscorp", "massive", "pied-piper", "duff", "gringotts",
        "monarch", "nakatomi", "paper-street", "rekall", "virtucon", "zorg", "prestige", "sirius", "kruger",
    ]
    static let hosts = ["www", "api", "shop", "mail", "portal", "cdn", "auth", "admin", "static", "pay", "app", "docs"]
    static let tlds = ["com", "net", "io", "cn", "org", "dev", "co.uk", "de"]
    static let projects = ["default", "default", "default", "production", "staging"]
    static let people = ["Li Wei", "Zhang Min", "Anna Schmidt", "John Carter", "Maria Garcia", "Chen Jing"]

    /// Adds `count` certificates (and their orders) in one transaction.
    @discardableResult
    public func seed(count: Int, ownerID: Int64? = nil) throws -> Int {
        let now = context.clock.now
        var generator = SystemRandomNumberGenerator()
        let statuses = Certificate.Status.allCases
        let types = CertificateType.allCases
        let brands = CABrand.allCases
        // Certificates seeded in the CA's review get a real CSR (one key for the whole seed run:
        // the CA signs whatever names it is given) and proof tokens, so the CA simulator can
        // carry them on to issuance like any other.
        let reviewKey = try PrivateKey(generating: .ecP256)
        let reviewCSR = try CSR.create(key: reviewKey, commonName: "demo.example.com", subjectAlternativeNames: ["demo.example.com"])
        let sealedReviewKey = try context.sealer.seal(Array(reviewKey.pem.utf8))
        try context.database.write { store in
            var orderID = ""
            for index in 0..<count {
                if index % 5 == 0 {
                    orderID = context.identifiers.orderID()
                    try store.insert(
                        Order(
                            id: orderID, kind: .purchase, userID: ownerID, summary: "Demo purchase",
                            amount: 0, certificateCount: min(5, count - index),
                            createdAt: now - .days(Double(index % 300)), paidAt: now - .days(Double(index % 300))))
                }
                let status = statuses[index % statuses.count]
                let type = types[(index / statuses.count) % types.count]
                let brand = brands[(index / 3) % brands.count]
                let certificate = makeCertificate(
                    index: index, status: status, type: type, brand: brand, orderID: orderID, now: now,
                    using: &generator)
                try store.insert(certificate, ownerID: ownerID)
                if certificate.appliedAt != nil && status != .upload {
                    try store.save(application(index: index, type: certificate.type), certificateID: certificate.id)
                }
                // A domain addition or a reissue in review waits for its new proof, like a fresh
                // application: without a CSR and proofs the CA had nothing to wait for and
                // tried to sign, failing on every pass.
                let waitsForProof: Set<Certificate.Status> = [.checking, .supplementChecking, .reissuing]
                if [.checking, .checkingOrg, .issuing, .supplementChecking, .reissuing].contains(status) {
                    try store.save(CertificateMaterials(csrPEM: reviewCSR, sealedPrivateKey: sealedReviewKey), certificateID: certificate.id)
                    try store.replaceValidations(
                        certificate.allDomains.map {
                            DomainValidation(
                                certificateID: certificate.id, domain: $0, method: certificate.validationMethod,
                                token: SecureRandom.hex(20), email: "admin@" + domainVerificationName(for: $0, domainType: certificate.domainType),
                                verifiedAt: waitsForProof.contains(status) ? nil : certificate.appliedAt)
                        }, certificateID: certificate.id)
                }
            }
        }
        return count
    }

    func makeCertificate(
        index: Int, status: Certificate.Status, type: CertificateType, brand: CABrand, orderID: String, now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> Certificate {
        let company = Self.companies[index % Self.companies.count]
        let tld = Self.tlds[(index / 7) % Self.tlds.count]
        let base = "\(company)\(index / Self.companies.count % 50 == 0 ? "" : String(index / Self.companies.count)).\(tld)"
        let domainType: DomainType =
            status == .supplementChecking || status == .cancelSupplementing
            ? .multiple : [.single, .single, .multiple, .wildcard][index % 4]
        let effectiveType = domainType == .wildcard && !type.allowsWildcard ? .ov : type
        let isUpload = status == .upload
        let quota = domainType == .multiple ? 2 + index % 5 : 1
        let created = now - .days(Double(5 + index % 420))
        let isFree = PriceList.yearlyPrice(brand: brand, type: effectiveType, domainType: domainType) == 0
        let years = index % 11 == 0 && !isUpload && !isFree ? 2 : 1
        var certificate = Certificate(
            id: context.identifiers.certificateID(), name: context.identifiers.certificateName(),
            brand: brand, type: effectiveType, domainType: domainType, domainQuota: quota, validityYears: years,
            status: status, origin: isUpload ? .uploaded : .purchased,
            price: isUpload ? 0 : PriceList.price(brand: brand, type: effectiveType, domainType: domainType, domains: quota, years: years),
            enterpriseProject: Self.projects[index % Self.projects.count], createdAt: created)
        certificate.orderID = isUpload ? nil : orderID
        if index % 9 == 0 { certificate.description = "Demo certificate for \(company)'s \(Self.hosts[index % Self.hosts.count]) site" }
        if domainType == .multiple { certificate.multiDomainPrimary = index % 8 == 2 && effectiveType.family == .ov ? .wildcard : .single }
        certificate.keyAlgorithm = KeyAlgorithm.allCases[index % KeyAlgorithm.allCases.count]
        certificate.updatedAt = created + .days(Double(index % 5))
        guard status != .paid else { return certificate }

        let host = Self.hosts[index % Self.hosts.count]
        switch domainType {
        case .single: certificate.domain = "\(host).\(base)"
        case .wildcard: certificate.domain = "*.\(base)"
        case .multiple:
            certificate.domain = certificate.multiDomainPrimary == .wildcard ? "*.\(base)" : "\(host).\(base)"
            let extras = min(quota - 1, 1 + index % 3)
            certificate.sans = (0..<extras).map { "\(Self.hosts[($0 + index + 1) % Self.hosts.count]).\(base)" }
        }
        // In-review certificates were applied for recently (the CA fails them 30 days after applying).
        certificate.appliedAt = [.checking, .checkingOrg, .issuing].contains(status) ? now - .days(Double(index % 20)) : created + .days(1)
        if status == .issuing { certificate.reviewDueAt = now + .days(Double(1 + index % 5)) }
        certificate.csrSource = isUpload ? nil : (index % 13 == 0 ? .uploaded : .system)
        certificate.validationMethod = effectiveType.family == .dv ? .dns : [.dns, .email, .dns][index % 3]

        let issuedStatuses: Set<Certificate.Status> = [
            .issued, .upload, .expired, .revoked, .revoking, .supplementChecking, .cancelSupplementing, .reissuing,
        ]
        if issuedStatuses.contains(status) {
            // Issued some time ago; a spread of expiries around now (some soon, some past).
            let notAfter: Date =
                switch status {
                case .expired: now - .days(Double(1 + index % 90))
                case .issued, .upload: now + .days(Double(-20 + (index * 37) % 380)).clamped(min: .days(2))
                default: now + .days(Double(40 + index % 300))
                }
            certificate.notAfter = notAfter
            certificate.notBefore = notAfter - .days(365)
            certificate.issuedAt = certificate.notBefore
            certificate.serialNumber = String((0..<32).map { _ in "0123456789ABCDEF".randomElement(using: &generator)! })
            certificate.fingerprintSHA256 = (0..<32).map { _ in String(format: "%02X", UInt8.random(in: 0...255, using: &generator)) }
                .joined(separator: ":")
            certificate.signatureAlgorithm = effectiveType.isPro ? "sha384WithRSAEncryption" : "sha256WithRSAEncryption"
            certificate.issuer =
                isUpload ? "CN=External Issuing CA, O=Example Trust, C=US" : "CN=\(brand.displayName) Simulated \(effectiveType.family.rawValue) CA, O=\(brand.displayName) (simulated), C=US"
        }
        switch status {
        case .unpassed: certificate.failReason = "Domain name verification was not completed within 30 days."
        case .revoked, .revoking: certificate.revokeReason = "Key compromise suspected"
        case .reissuing: certificate.awaitingConfirmation = .reissueCancellation
        default: break
        }
        if status == .revoking && effectiveType.verifiesOrganization { certificate.awaitingConfirmation = .revocation }
        return certificate
    }

    func application(index: Int, type: CertificateType) -> Application {
        var application = Application()
        let person = Self.people[index % Self.people.count]
        application.applicantName = person
        application.applicantPhone = "+86 138 0000 \(String(format: "%04d", index % 10_000))"
        application.applicantEmail = person.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.com"
        if type.verifiesOrganization {
            let company = Self.companies[index % Self.companies.count]
            application.companyName = company.capitalized + " Co., Ltd."
            application.country = "CN"
            application.province = "Guangdong"
            application.city = "Shenzhen"
        }
        return application
    }
}

extension TimeInterval {
    fileprivate func clamped(min lower: TimeInterval) -> TimeInterval { Swift.max(self, lower) }
}

import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Realistic demo certificates for `scm seed`: every status and type, dates spread around now so
/// that "Expire soon", expired and fresh certificates all appear. Certificates past issuance
/// carry real X.509 material signed by the simulated CA, so Download, Deploy and Push work on
/// them as on any other.
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

    /// Certificates prepared and signed together before they are written.
    static let batchSize = 512

    /// Adds `count` certificates (and their orders) in one transaction.
    @discardableResult
    public func seed(count: Int, ownerID: Int64? = nil) throws -> Int {
        let now = context.clock.now
        let statuses = Certificate.Status.allCases
        let types = CertificateType.allCases
        let brands = CABrand.allCases
        // One key and CSR for the whole seed run (the CA signs whatever names it is given):
        // certificates in the CA's review wait on it with their proof tokens, so the CA simulator
        // carries them on to issuance like any other; issued ones are signed for it here.
        let seedKey = try PrivateKey(generating: .ecP256)
        let seedCSR = try CSR.create(
            key: seedKey, commonName: "demo.example.com", subjectAlternativeNames: ["demo.example.com"])
        let sealedSeedKey = try context.sealer.seal(Array(seedKey.pem.utf8))
        // Each brand's intermediate opened once, outside the transaction (it may create the CAs).
        let authority = CertificateAuthority(database: context.database, sealer: context.sealer)
        let signers = try Dictionary(uniqueKeysWithValues: brands.map { ($0, try authority.signer(for: $0)) })
        try context.database.write { store in
            var orderID = ""
            for start in stride(from: 0, to: count, by: Self.batchSize) {
                var batch: [(certificate: Certificate, application: Application, order: Order?)] = []
                for index in start..<min(count, start + Self.batchSize) {
                    var order: Order?
                    if index % 5 == 0 {
                        orderID = context.identifiers.orderID()
                        order = Order(
                            id: orderID, kind: .purchase, userID: ownerID, summary: "Demo purchase",
                            amount: 0, certificateCount: min(5, count - index),
                            createdAt: now - .days(Double(index % 300)), paidAt: now - .days(Double(index % 300)))
                    }
                    let status = statuses[index % statuses.count]
                    // Each round of statuses starts one type further, so every type shows up among
                    // the first statuses and every status × type pair within the first 84.
                    let type = types[(index % statuses.count + index / statuses.count) % types.count]
                    let brand = brands[(index / 3) % brands.count]
                    let certificate = makeCertificate(
                        index: index, status: status, type: type, brand: brand, orderID: orderID, now: now)
                    batch.append((certificate, application(index: index, type: type), order))
                }
                // Certificates past issuance: signed by the brand's CA for the seed key's CSR.
                let issued = try Self.signConcurrently(
                    batch.map { entry -> (@Sendable () throws -> CertificateAuthority.Issued)? in
                        let certificate = entry.certificate
                        guard let notBefore = certificate.notBefore, let notAfter = certificate.notAfter,
                            let signer = signers[certificate.brand]
                        else { return nil }
                        let application = entry.application
                        return {
                            try signer.issue(
                                csrPEM: seedCSR, names: certificate.allDomains, type: certificate.type,
                                application: application, notBefore: notBefore, notAfter: notAfter)
                        }
                    })
                for ((certificate, application, order), issued) in zip(batch, issued) {
                    if let order { try store.insert(order) }
                    var certificate = certificate
                    let status = certificate.status
                    var materials: CertificateMaterials?
                    if let issued {
                        certificate.record(issued)
                        // An uploaded certificate comes with its key; a CSR the user uploaded keeps theirs.
                        materials = CertificateMaterials(
                            certificatePEM: issued.certificatePEM, chainPEM: issued.chainPEM,
                            csrPEM: status == .upload ? "" : seedCSR,
                            sealedPrivateKey: certificate.csrSource == .uploaded ? nil : sealedSeedKey)
                    }
                    try store.insert(certificate, ownerID: ownerID)
                    if let materials { try store.save(materials, certificateID: certificate.id) }
                    if certificate.appliedAt != nil && status != .upload {
                        try store.save(application, certificateID: certificate.id)
                    }
                    // A domain addition or a reissue in review waits for its new proof, like a fresh
                    // application: without a CSR and proofs the CA had nothing to wait for and
                    // tried to sign, failing on every pass.
                    // An addition asks for one new name, requested recently (the CA's 30-day deadline
                    // counts from the request); the names already in the certificate stay proven.
                    var addedNames: [String] = []
                    if status == .supplementChecking {
                        let parent = certificate.domain.hasPrefix("*.") ? String(certificate.domain.dropFirst(2)) : certificate.domain
                        addedNames = ["new-\(certificate.id.suffix(4)).\(parent)"]
                        try store.save(
                            DomainAdditionRequest(
                                certificateID: certificate.id, domains: addedNames, email: application.applicantEmail,
                                requestedAt: now - .days(3)))
                    }
                    let waitsForProof: Set<Certificate.Status> = [.checking, .reissuing]
                    if [.checking, .checkingOrg, .issuing, .supplementChecking, .reissuing].contains(status) {
                        if materials == nil {
                            try store.save(
                                CertificateMaterials(csrPEM: seedCSR, sealedPrivateKey: sealedSeedKey),
                                certificateID: certificate.id)
                        }
                        try store.replaceValidations(
                            (certificate.allDomains + addedNames).map {
                                DomainValidation(
                                    certificateID: certificate.id, domain: $0, method: certificate.validationMethod,
                                    token: SecureRandom.hex(20),
                                    email: "admin@"
                                        + domainVerificationName(for: $0, domainType: certificate.domainType),
                                    verifiedAt: waitsForProof.contains(status) || addedNames.contains($0) ? nil : certificate.appliedAt)
                            }, certificateID: certificate.id)
                    }
                }
            }
        }
        return count
    }

    /// Runs the signing jobs on every core (one ECDSA P-384 signature a certificate is most of a
    /// large seed's time); nil jobs give nil. The first error, if any, is thrown.
    static func signConcurrently(
        _ jobs: [(@Sendable () throws -> CertificateAuthority.Issued)?]
    ) throws -> [CertificateAuthority.Issued?] {
        var results = [Result<CertificateAuthority.Issued, any Error>?](repeating: nil, count: jobs.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own slot only.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
                slots[index] = jobs[index].map { job in Result { try job() } }
            }
        }
        return try results.map { try $0?.get() }
    }

    /// The descriptive data of a demo certificate; the X.509 facts of one past issuance are
    /// those of the certificate the CA signs for it in `seed`.
    func makeCertificate(
        index: Int, status: Certificate.Status, type: CertificateType, brand: CABrand, orderID: String, now: Date
    ) -> Certificate {
        let company = Self.companies[index % Self.companies.count]
        let tld = Self.tlds[(index / 7) % Self.tlds.count]
        let base =
            "\(company)\(index / Self.companies.count % 50 == 0 ? "" : String(index / Self.companies.count)).\(tld)"
        let spread: DomainType = [.single, .single, .multiple, .wildcard][index % 4]
        // The type is kept (every status × type pair is seeded); EV has no wildcard, so single.
        let domainType: DomainType =
            status == .supplementChecking || status == .cancelSupplementing
            ? .multiple : spread == .wildcard && !type.allowsWildcard ? .single : spread
        let isUpload = status == .upload
        let quota = domainType == .multiple ? 2 + index % 5 : 1
        let created = now - .days(Double(5 + index % 420))
        let isFree = PriceList.yearlyPrice(brand: brand, type: type, domainType: domainType) == 0
        let years = index % 11 == 0 && !isUpload && !isFree ? 2 : 1
        var certificate = Certificate(
            id: context.identifiers.certificateID(), name: context.identifiers.certificateName(),
            brand: brand, type: type, domainType: domainType, domainQuota: quota, validityYears: years,
            status: status, origin: isUpload ? .uploaded : .purchased,
            price: isUpload
                ? 0 : PriceList.price(brand: brand, type: type, domainType: domainType, domains: quota, years: years),
            enterpriseProject: Self.projects[index % Self.projects.count], createdAt: created)
        certificate.orderID = isUpload ? nil : orderID
        if index % 9 == 0 {
            certificate.description = "Demo certificate for \(company)'s \(Self.hosts[index % Self.hosts.count]) site"
        }
        if domainType == .multiple {
            certificate.multiDomainPrimary = index % 8 == 2 && type.family == .ov ? .wildcard : .single
        }
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
        // In review: applied for (a reissue: requested) recently, since the CA fails a review 30 days
        // after the request.
        certificate.appliedAt =
            [.checking, .checkingOrg, .issuing, .reissuing].contains(status) ? now - .days(Double(index % 20)) : created + .days(1)
        if status == .issuing { certificate.reviewDueAt = now + .days(Double(1 + index % 5)) }
        certificate.csrSource = isUpload ? nil : (index % 13 == 0 ? .uploaded : .system)
        certificate.validationMethod = type.family == .dv ? .dns : [.dns, .email, .dns][index % 3]

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
            // The next year of a stack is bought when the renewal window opens: a demo certificate
            // already inside it is its stack's last year, so a new seed leaves the scheduler no
            // backlog of renewals (each generating a key) changing the list under the user.
            if certificate.validityYears > 1, notAfter.timeIntervalSince(now) <= Certificate.renewWindow {
                certificate.validityYears = 1
                certificate.price = PriceList.price(brand: brand, type: type, domainType: domainType, domains: quota, years: 1)
            }
        }
        switch status {
        case .unpassed: certificate.failReason = "Domain name verification was not completed within 30 days."
        case .revoked, .revoking: certificate.revokeReason = "Key compromise suspected"
        case .reissuing: certificate.awaitingConfirmation = .reissueCancellation
        default: break
        }
        if status == .revoking && type.verifiesOrganization { certificate.awaitingConfirmation = .revocation }
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

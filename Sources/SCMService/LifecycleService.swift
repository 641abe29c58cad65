import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Buy and Apply (RULES.md §1, §3, §4): one function per operation, called by the pages, the
/// API, the CLI and the scheduler alike.
public struct LifecycleService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    // MARK: Buy

    /// N certificates in PAID and one order with its paid-at time and amount. With the Buy form's
    /// one-time `submissionToken`, the same form submitted twice buys once: the other submission
    /// is refused with the order the first one made.
    public func buy(
        _ purchase: PurchaseRequest, submissionToken: String? = nil, by principal: Principal
    ) throws -> (order: Order, certificates: [Certificate]) {
        try purchase.validate()
        try principal.permissions.authorize(.certBuy, into: purchase.enterpriseProject)
        let now = context.clock.now
        let summary =
            "\(purchase.quantity) × \(purchase.brand.displayName) \(purchase.type.displayName) \(purchase.domainType.displayName.lowercased())"
            + (purchase.domainType == .multiple ? " (\(purchase.domainQuantity) domains)" : "")
            + ", \(purchase.years) year\(purchase.years == 1 ? "" : "s")"
        let order = Order(
            id: context.identifiers.orderID(), kind: .purchase, userID: principal.userReference, summary: summary,
            amount: purchase.totalPrice, certificateCount: purchase.quantity, createdAt: now, paidAt: now)
        let certificates = (0..<purchase.quantity).map { _ in
            var certificate = Certificate(
                id: context.identifiers.certificateID(), name: context.identifiers.certificateName(),
                brand: purchase.brand, type: purchase.type, domainType: purchase.domainType,
                domainQuota: purchase.domainQuantity, validityYears: purchase.years, price: purchase.unitPrice,
                enterpriseProject: purchase.enterpriseProject, createdAt: now)
            certificate.multiDomainPrimary = purchase.domainType == .multiple ? purchase.multiDomainPrimary : nil
            certificate.orderID = order.id
            return certificate
        }
        try context.database.write { store in
            try Self.claim(submissionToken, for: "order \(order.id)", what: "Buy", in: store, at: now)
            try store.insert(order)
            for certificate in certificates {
                try store.insert(certificate, ownerID: principal.userReference)
                for tag in purchase.tags {
                    try store.setTag(certificateID: certificate.id, key: tag.key, value: tag.value)
                }
            }
            try store.append(
                Event(
                    at: now, actor: principal.name, action: "scm:cert:buy", target: order.id,
                    detail: "\(summary); ¥\(purchase.totalPrice)", remoteAddress: principal.remoteAddress))
        }
        return (order, certificates)
    }

    /// Claims a form's one-time token inside the transaction that acts on it, so of two
    /// submissions of the same form exactly one takes effect. No token (API, scripts): no check.
    static func claim(_ token: String?, for outcome: String, what form: String, in store: StoreWriter, at now: Date)
        throws
    {
        guard let token, !token.isEmpty else { return }
        guard token.count <= 128 else {
            throw Refusal.invalid("submission_token", "The form's submission token is malformed: reload the page.")
        }
        if let earlier = try store.claimSubmission(token: token, outcome: outcome, at: now) {
            throw Refusal(
                .conflict,
                "This \(form) form was already submitted (it made \(earlier)); nothing was done again. Reload the page to start a new one."
            )
        }
    }

    // MARK: Apply

    /// What the Apply form needs besides `ApplicationForm`: the mailbox chosen for e-mail validation.
    public struct ApplyOptions: Sendable {
        public var validationMailbox: String
        public init(validationMailbox: String = "admin") { self.validationMailbox = validationMailbox }
    }

    /// Validates the application (RULES.md §4), makes or takes the CSR, and moves PAID → CHECKING
    /// with the proofs the CA will look for (RULES.md §5).
    public func apply(
        certificateID: String, form submitted: ApplicationForm, options: ApplyOptions = ApplyOptions(),
        by principal: Principal
    ) throws -> Certificate {
        guard DomainValidation.mailboxNames.contains(options.validationMailbox) else {
            throw RefusalList([
                .invalid(
                    "validation_mailbox",
                    "Choose one of the mailboxes: \(DomainValidation.mailboxNames.joined(separator: ", ")).")
            ])
        }
        let loaded = try context.loadCertificate(certificateID)
        try check(.apply, on: loaded, now: context.clock.now)
        let (form, storedCSR) = try resolveCSR(submitted, by: principal)
        let application = try validate(form, for: loaded, originalCompanyName: try originalCompanyName(of: loaded))

        return try context.perform(
            "scm:cert:apply", certificateID: certificateID, by: principal,
            detail: application.allDomains.joined(separator: ", "),
            guard: { certificate, now in try check(.apply, on: certificate, now: now) },
            prepare: { _ in try makeCSR(for: application, stored: storedCSR) },
            apply: { certificate, store, material, now in
                certificate.update(from: application, keyAlgorithm: material.keyAlgorithm)
                certificate.appliedAt = now
                certificate.failReason = nil
                certificate.holdReason = nil
                certificate.status = .checking
                try store.save(Self.application(from: application), certificateID: certificate.id)
                try store.save(
                    CertificateMaterials(csrPEM: material.csrPEM, sealedPrivateKey: material.sealedKey),
                    certificateID: certificate.id)
                try store.deleteDraft(certificateID: certificate.id)
                try Self.requestProofs(
                    of: application.allDomains, method: application.validationMethod,
                    mailbox: options.validationMailbox,
                    for: certificate, in: store, at: now)
            })
    }

    /// Replaces the certificate's domain proofs with new ones for `domains` (a fresh token each,
    /// RULES.md §5) and, for e-mail validation, sends each confirmation to `mailbox@` the
    /// verified name; the owner is told what to prove. Used by Apply and Reissue, inside their
    /// transaction.
    static func requestProofs(
        of domains: [String], method: ValidationMethod, mailbox: String, for certificate: Certificate,
        in store: StoreWriter, at now: Date
    ) throws {
        let validations = domains.map { domain in
            DomainValidation(
                certificateID: certificate.id, domain: domain, method: method, token: SecureRandom.hex(20),
                email: "\(mailbox)@\(domainVerificationName(for: domain, domainType: certificate.domainType))")
        }
        try store.replaceValidations(validations, certificateID: certificate.id)
        if method == .email {
            for validation in validations {
                try store.deliver(CAMail.domainConfirmation(validation, certificate: certificate, at: now))
            }
        }
        try store.notify(.domainVerificationNeeded(domains: domains, method: method), about: certificate, at: now)
    }

    /// For an uploaded or existing CSR, the domain fields come from the CSR (RULES.md §4), whose
    /// key must be one the catalogue offers. An existing CSR must be one `principal` may read:
    /// applying with it puts its key in a certificate.
    func resolveCSR(_ form: ApplicationForm, by principal: Principal) throws -> (ApplicationForm, StoredCSR?) {
        var form = form
        switch CSRSource(rawValue: form.csrMode) {
        case .uploaded:
            let info = try Self.catalogueCSR(form.csrPEM, field: ApplicationField.csr).info
            fillDomains(&form, names: info.domainNames)
            return (form, nil)
        case .existing:
            guard let stored = try context.database.read({ try $0.csr(id: form.csrID) }),
                (try? principal.authorize(.csrGet, onCSR: stored)) != nil
            else {
                throw RefusalList([.invalid(ApplicationField.csrID, "Choose a CSR from the CSR list.")])
            }
            // A CSR uploaded to the list before its key was checked there may still hold one the CA refuses.
            _ = try Self.catalogueCSR(stored.pem, field: ApplicationField.csrID)
            fillDomains(&form, names: [stored.domainName] + stored.sans.filter { $0 != stored.domainName })
            form.csrPEM = stored.pem
            return (form, stored)
        case .system, nil:
            return (form, nil)
        }
    }

    /// Parses a CSR given for `field` and reads its key, refusing an unreadable CSR or a key
    /// outside the catalogue (RULES.md §1, §4).
    static func catalogueCSR(_ pem: String, field: String) throws(RefusalList) -> (info: CSRInfo, key: KeyAlgorithm) {
        let info: CSRInfo
        do { info = try CSR.parse(pem: pem) } catch {
            throw RefusalList([
                .invalid(field, "CSR: \(error.message). Paste a PEM CSR (-----BEGIN CERTIFICATE REQUEST-----).")
            ])
        }
        do { return (info, try info.catalogueKey(field: field)) } catch { throw RefusalList([error]) }
    }

    private func fillDomains(_ form: inout ApplicationForm, names: [String]) {
        form.primaryDomain = names.first ?? ""
        form.additionalDomains = names.dropFirst().joined(separator: "\n")
    }

    struct CSRMaterial: Sendable {
        let csrPEM: String
        let sealedKey: [UInt8]?
        let keyAlgorithm: KeyAlgorithm
    }

    /// The slow part of Apply, outside any transaction: key generation and CSR signing.
    func makeCSR(for application: ValidatedApplication, stored: StoredCSR?) throws -> CSRMaterial {
        switch application.csrSource {
        case .system:
            let key = try PrivateKey(generating: application.keyAlgorithm)
            let pem = try CSR.create(
                key: key, commonName: application.domain, subjectAlternativeNames: application.allDomains,
                organization: application.companyName.isEmpty ? nil : application.companyName,
                country: application.country.isEmpty ? nil : application.country,
                province: application.province.isEmpty ? nil : application.province,
                city: application.city.isEmpty ? nil : application.city)
            return CSRMaterial(
                csrPEM: pem, sealedKey: try context.sealer.seal(Array(key.pem.utf8)),
                keyAlgorithm: application.keyAlgorithm)
        case .existing:
            // The certificate records the CSR's own key, never a default.
            let pem = stored?.pem ?? ""
            return CSRMaterial(
                csrPEM: pem, sealedKey: stored?.sealedPrivateKey,
                keyAlgorithm: try Self.catalogueCSR(pem, field: ApplicationField.csrID).key)
        case .uploaded:
            let pem = application.csrPEM ?? ""
            return CSRMaterial(
                csrPEM: pem, sealedKey: nil, keyAlgorithm: try Self.catalogueCSR(pem, field: ApplicationField.csr).key)
        }
    }

    static func application(from validated: ValidatedApplication) -> Application {
        var application = Application()
        application.companyName = validated.companyName
        application.companyUnit = validated.companyUnit
        application.country = validated.country
        application.province = validated.province
        application.city = validated.city
        application.applicantName = validated.applicantName
        application.applicantPhone = validated.applicantPhone
        application.applicantEmail = validated.applicantEmail
        application.contactName = validated.contactName
        application.contactPhone = validated.contactPhone
        application.contactEmail = validated.contactEmail
        return application
    }

    /// A renewal keeps the original's company name (RULES.md §3 Renew).
    func originalCompanyName(of certificate: Certificate) throws -> String? {
        guard let original = certificate.renewalOf else { return nil }
        return try context.database.read { try $0.application(certificateID: original)?.companyName }
    }

    // MARK: Drafts

    /// "Save": keeps the form without submitting it (RULES.md §3 Apply).
    public func saveDraft(certificateID: String, form: ApplicationForm, by principal: Principal) throws {
        let certificate = try context.loadCertificate(certificateID)
        try check(.apply, on: certificate, now: context.clock.now)
        // A draft keeps every field but the agreement, which is asked again on submit.
        let json = String(decoding: try JSONEncoder().encode(form.fields), as: UTF8.self)
        try context.database.write { store in
            try store.saveDraft(certificateID: certificateID, json: json, at: context.clock.now)
            try store.append(
                Event(
                    at: context.clock.now, actor: principal.name, action: "scm:cert:save-draft", target: certificateID,
                    remoteAddress: principal.remoteAddress))
        }
    }

    /// The form to show on the Apply page: the saved draft, else the last application's
    /// organization and contact details pre-filled (RULES.md §4).
    public func applyForm(certificateID: String, by principal: Principal) throws -> ApplicationForm {
        try context.database.read { store in
            if let json = try store.draft(certificateID: certificateID),
                let fields = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))
            {
                return ApplicationForm(fields: { fields[$0] })
            }
            var form = ApplicationForm()
            if let certificate = try store.certificate(id: certificateID), !certificate.domain.isEmpty {
                form.primaryDomain = certificate.domain
                form.additionalDomains = certificate.sans.joined(separator: "\n")
            }
            let last =
                try store.application(certificateID: certificateID)
                ?? store.lastApplication(ownerID: principal.userReference)
            if let last { form.fillDetails(from: last) }
            return form
        }
    }
}

import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Every console operation on a certificate after Buy and Apply (RULES.md §3): one function per
/// operation, each through `context.perform` (guard of SCMCore, one transaction, compare-and-set
/// on the status, one event row). The CA's own follow-up steps (withdrawal done, revoked, …) are
/// `CAService`'s; where the CA can act at once, these functions ask it to review right away.
public struct ManagementService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    var ca: CAService { CAService(context: context) }

    // MARK: Withdraw, new application

    /// CHECKING or CHECKING_ORG → CANCELCHECKING; the CA then returns it to PAID with the
    /// application kept (RULES.md §3). If the CA moved on first, the compare-and-set refuses it.
    public func withdraw(certificateID: String, by principal: Principal) throws -> Certificate {
        try context.perform(.withdraw, certificateID: certificateID, by: principal) { certificate, _, _ in
            certificate.status = .cancelChecking
            certificate.reviewDueAt = nil
            certificate.holdReason = nil
        }
        try ca.review(certificateID: certificateID)
        return try context.loadCertificate(certificateID)
    }

    /// SUPPLEMENTCHECKING → CANCELSUPPLEMENTING; the CA then restores the old domain set.
    public func withdrawDomainAddition(certificateID: String, by principal: Principal) throws -> Certificate {
        try context.perform(.withdrawDomainAddition, certificateID: certificateID, by: principal) { certificate, _, _ in
            certificate.status = .cancelSupplementing
        }
        try ca.review(certificateID: certificateID)
        return try context.loadCertificate(certificateID)
    }

    /// "Approval failed" → PAID, with the application data kept for editing (RULES.md §3).
    public func newApplication(certificateID: String, by principal: Principal) throws -> Certificate {
        try context.perform(.newApplication, certificateID: certificateID, by: principal) { certificate, store, _ in
            certificate.status = .paid
            certificate.failReason = nil
            certificate.holdReason = nil
            certificate.reviewDueAt = nil
            try store.deleteValidations(certificateID: certificate.id)
        }
    }

    // MARK: Revoke

    /// ISSUED → REVOKING. OV/EV wait for the applicant to answer the revocation mail; DV goes
    /// straight to the CA, which revokes at once (RULES.md §3). Cannot be cancelled.
    public func revoke(certificateID: String, reason: String, by principal: Principal) throws -> Certificate {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= 255 else {
            throw RefusalList([.invalid("reason", "Reason: at most 255 characters.")])
        }
        try context.perform(.revoke, certificateID: certificateID, by: principal, detail: reason) {
            certificate, store, now in
            certificate.status = .revoking
            certificate.revokeReason = reason.isEmpty ? "Revoked by the user." : reason
            certificate.autoRenew = false
            if certificate.type.verifiesOrganization {
                certificate.awaitingConfirmation = .revocation
                let application = try store.reader.application(certificateID: certificate.id)
                let mail = CAMail.revocationConfirmation(certificate: certificate, application: application, at: now)
                try store.notify(.revocationConfirmationRequested, about: certificate, mail: mail, at: now)
            } else {
                certificate.awaitingConfirmation = nil
            }
        }
        try ca.review(certificateID: certificateID)
        return try context.loadCertificate(certificateID)
    }

    // MARK: Delete, unsubscribe

    /// Removed for good from the manager (RULES.md §3 Delete); the issued certificate itself
    /// stays valid in browsers. `channel` decides the free-ISSUED rule.
    public func delete(certificateID: String, channel: Certificate.Channel = .console, by principal: Principal) throws {
        try remove(.delete, certificateID: certificateID, channel: channel, by: principal) { _, _, _ in "" }
    }

    /// Within 7 × 24 h of payment, PAID or REVOKED: the price goes back on the order as a refund
    /// (and a refund order row for the Orders page, the owner's whoever unsubscribes), the
    /// certificate is removed (RULES.md §3).
    /// Returns the refund order.
    @discardableResult
    public func unsubscribe(certificateID: String, acknowledged: Bool, by principal: Principal) throws -> Order {
        guard acknowledged else {
            throw RefusalList([
                .invalid(
                    "acknowledge",
                    "Tick \"I acknowledge that the certificate will be deleted and cannot be restored\" to unsubscribe."
                )
            ])
        }
        var refund: Order?
        try remove(.unsubscribe, certificateID: certificateID, channel: .console, by: principal) {
            certificate, store, now in
            let order = Order(
                id: context.identifiers.orderID(), kind: .refund,
                userID: try store.reader.ownerID(certificateID: certificate.id) ?? principal.userReference,
                summary: "Refund of \(certificate.name) (\(certificate.id))"
                    + (certificate.orderID.map { ", order \($0)" } ?? ""),
                amount: certificate.price, certificateCount: 1, createdAt: now, paidAt: now)
            if let original = certificate.orderID {
                try store.recordRefund(orderID: original, amount: certificate.price)
            }
            try store.insert(order)
            refund = order
            return "refund ¥\(certificate.price), order \(order.id)"
        }
        guard let refund else { preconditionFailure("unsubscribe succeeded without a refund order") }
        return refund
    }

    /// Delete and Unsubscribe: the same steps as `perform`, but the write removes the row with a
    /// compare-and-set on the status it was loaded with.
    private func remove(
        _ operation: Certificate.Operation, certificateID: String, channel: Certificate.Channel,
        by principal: Principal,
        effects: (Certificate, StoreWriter, Date) throws -> String
    ) throws {
        let action = "scm:cert:\(operation.rawValue)"
        try context.recordingRefusal(action, certificateID: certificateID, by: principal) {
            let loaded = try context.loadCertificate(certificateID)
            try check(operation, on: loaded, now: context.clock.now, channel: channel)
            let now = context.clock.now
            try context.database.write { store in
                guard let certificate = try store.reader.certificate(id: certificateID) else {
                    throw Refusal(
                        .notFound, "There is no certificate with ID \(certificateID); it was already removed.")
                }
                guard certificate.status == loaded.status else { throw ServiceContext.lostRace(certificate) }
                try check(operation, on: certificate, now: now, channel: channel)
                let detail = try effects(certificate, store, now)
                do {
                    try store.deleteCertificate(id: certificateID, expectedStatus: certificate.status)
                } catch is StaleState {
                    throw ServiceContext.lostRace(certificate)
                }
                try store.append(
                    Event(
                        at: now, actor: principal.name, action: action, target: certificateID,
                        detail: "\(certificate.name) (\(certificate.domain.isEmpty ? "no domain" : certificate.domain))"
                            + (detail.isEmpty ? "" : "; \(detail)"),
                        remoteAddress: principal.remoteAddress))
            }
        }
    }

    // MARK: Cancel privacy authorization

    /// Erases the applicant and organization data for good (RULES.md §3): the applications row
    /// and the draft (the file has `secure_delete` on, so the bytes are overwritten), every copy
    /// of the contacts sent about the certificate (the CA's mails and the expiry reminders in the
    /// mailbox, addressed to the applicant; the reminder texts in the SMS outbox, to the
    /// applicant's phone) and the notice address of a domain addition; then folds the WAL into
    /// the main file so no old copy of the pages remains beside it.
    public func cancelPrivacy(certificateID: String, by principal: Principal) throws -> Certificate {
        let certificate = try context.perform(.cancelPrivacy, certificateID: certificateID, by: principal) {
            certificate, store, _ in
            try store.eraseApplication(certificateID: certificate.id)
            try store.deleteDraft(certificateID: certificate.id)
            try store.deleteMails(certificateID: certificate.id)
            try store.deleteSMS(certificateID: certificate.id)
            try store.deleteDomainAddition(certificateID: certificate.id)
            certificate.privacyCancelled = true
        }
        try context.database.checkpoint()
        return certificate
    }

    // MARK: Rename, description, project, auto-renewal

    /// Name 3–63 characters of the SCM v3 rule, description up to 255 (RULES.md §3).
    public func rename(certificateID: String, name: String, description: String, by principal: Principal) throws
        -> Certificate
    {
        var errors: [Refusal] = []
        var validName = ""
        var validDescription = ""
        do { validName = try CertificateName.validate(name) } catch { errors.append(error) }
        do { validDescription = try CertificateName.validateDescription(description) } catch { errors.append(error) }
        guard errors.isEmpty else { throw RefusalList(errors) }
        return try context.perform(.rename, certificateID: certificateID, by: principal, detail: validName) {
            certificate, _, _ in
            certificate.name = validName
            certificate.description = validDescription
        }
    }

    /// Moves the certificate to another enterprise project (RULES.md §3 Add to project).
    public func moveToProject(certificateID: String, project: String, by principal: Principal) throws -> Certificate {
        let project = project.trimmingCharacters(in: .whitespacesAndNewlines)
        guard PurchaseRequest.isValidProject(project) else {
            throw RefusalList([
                .invalid(
                    "enterprise_project",
                    "Enterprise project: 1 to 64 letters, digits, _ or -; \"\(project)\" is not a project name.")
            ])
        }
        // The route checked the certificate's current project; the one it moves into counts too.
        try principal.permissions.authorize(Certificate.Operation.moveProject.action, into: project)
        return try context.perform(.moveProject, certificateID: certificateID, by: principal, detail: project) {
            certificate, _, _ in
            certificate.enterpriseProject = project
        }
    }

    /// The per-certificate auto-renewal switch (RULES.md §3): on only for paid, issued ones.
    /// Switching it off is always possible, so a certificate never stays renewing against the
    /// user's wish after its status changed.
    public func setAutoRenew(certificateID: String, enabled: Bool, by principal: Principal) throws -> Certificate {
        try context.perform(
            "scm:cert:auto-renew", certificateID: certificateID, by: principal, detail: enabled ? "on" : "off",
            guard: { certificate, now in if enabled { try check(.autoRenew, on: certificate, now: now) } },
            prepare: { _ in () },
            apply: { certificate, _, _, _ in certificate.autoRenew = enabled })
    }

    // MARK: Renew

    /// What a renewal buys: the original's choices unless the user changed them (RULES.md §3;
    /// any change means no inherited validity, §6).
    public struct RenewalChoice: Sendable {
        public var brand: CABrand
        public var type: CertificateType
        public var domainType: DomainType
        public var domainQuantity: Int
        public var primaryDomain: String
        public var agreed: Bool

        public init(
            brand: CABrand, type: CertificateType, domainType: DomainType, domainQuantity: Int, primaryDomain: String,
            agreed: Bool
        ) {
            self.brand = brand
            self.type = type
            self.domainType = domainType
            self.domainQuantity = domainQuantity
            self.primaryDomain = primaryDomain
            self.agreed = agreed
        }

        public init(of original: Certificate, agreed: Bool) {
            self.init(
                brand: original.brand, type: original.type, domainType: original.domainType,
                domainQuantity: original.domainQuota,
                primaryDomain: original.domain, agreed: agreed)
        }
    }

    /// Buys a PAID renewal pre-filled from `original` and links the two (RULES.md §3 Renew);
    /// the inherited validity is applied when the CA issues it (`CAService.issue`).
    public func renew(certificateID: String, choice: RenewalChoice, by principal: Principal) throws -> Certificate {
        try renew(
            certificateID: certificateID, choice: choice, operation: "scm:cert:renew", yearsLeft: nil, by: principal)
    }

    /// `yearsLeft`: for the next year of a multi-year stack (already paid, RULES.md §1), the
    /// years the renewal still carries; nil for a bought renewal.
    func renew(
        certificateID: String, choice: RenewalChoice, operation: String, yearsLeft: Int?, by principal: Principal
    ) throws -> Certificate {
        let original = try context.loadCertificate(certificateID)
        let purchase = PurchaseRequest(
            brand: choice.brand, type: choice.type, domainType: choice.domainType,
            multiDomainPrimary: choice.domainType == .multiple ? (original.multiDomainPrimary ?? .single) : .single,
            domainQuantity: choice.domainType == .multiple ? choice.domainQuantity : 1, years: 1, quantity: 1,
            enterpriseProject: original.enterpriseProject, tags: [], agreed: choice.agreed)
        try purchase.validate()
        let primary = choice.primaryDomain.trimmingCharacters(in: .whitespacesAndNewlines)
        let renewalID = context.identifiers.certificateID()
        let renewalName = context.identifiers.certificateName()
        let orderID = context.identifiers.orderID()
        let ownerID = try context.database.read { try $0.ownerID(certificateID: certificateID) }
        let amount = yearsLeft == nil ? purchase.unitPrice : 0
        var renewal: Certificate?
        try context.perform(
            operation, certificateID: certificateID, by: principal, detail: renewalID,
            guard: { certificate, now in try check(.renew, on: certificate, now: now) },
            prepare: { _ in () },
            apply: { certificate, store, _, now in
                let order = Order(
                    id: orderID, kind: .renewal, userID: ownerID ?? principal.userReference,
                    summary: "Renewal of \(certificate.name) (\(certificate.id))"
                        + (yearsLeft.map { ", next year of the \($0 + 1)-year subscription" } ?? "")
                        + ": \(purchase.brand.displayName) \(purchase.type.displayName) \(purchase.domainType.displayName.lowercased())",
                    amount: amount, certificateCount: 1, createdAt: now, paidAt: now)
                var new = Certificate(
                    id: renewalID, name: renewalName, brand: purchase.brand, type: purchase.type,
                    domainType: purchase.domainType,
                    domainQuota: purchase.domainQuantity, validityYears: yearsLeft ?? 1,
                    price: yearsLeft == nil ? purchase.unitPrice : certificate.price,
                    enterpriseProject: certificate.enterpriseProject, createdAt: now)
                new.multiDomainPrimary = purchase.domainType == .multiple ? purchase.multiDomainPrimary : nil
                new.orderID = order.id
                new.renewalOf = certificate.id
                new.domain = primary
                if purchase.domainType == certificate.domainType, primary == certificate.domain,
                    certificate.sans.count < purchase.domainQuantity
                {
                    new.sans = certificate.sans
                }
                new.autoRenew = certificate.autoRenew
                new.notifyExpiring = certificate.notifyExpiring
                new.notifyExpired = certificate.notifyExpired
                try store.insert(order)
                try store.insert(new, ownerID: ownerID)
                for tag in try store.reader.tags(certificateID: certificate.id) {
                    try store.setTag(certificateID: new.id, key: tag.key, value: tag.value)
                }
                certificate.renewedBy = new.id
                renewal = new
            })
        guard let renewal else { preconditionFailure("renewal bought without a certificate") }
        return renewal
    }

    // MARK: Reissue

    /// ISSUED → REISSUING with a new CSR, domain, method and contacts, validated as in Apply
    /// (RULES.md §3, §4). The CA mails the applicant to confirm the cancellation of the old
    /// certificate ("Confirm Operation"); once confirmed and the new domain proven, it issues the
    /// new certificate and revokes the old one (`CAService`).
    public func reissue(
        certificateID: String, form submitted: ApplicationForm,
        options: LifecycleService.ApplyOptions = LifecycleService.ApplyOptions(), by principal: Principal
    ) throws -> Certificate {
        guard DomainValidation.mailboxNames.contains(options.validationMailbox) else {
            throw RefusalList([
                .invalid(
                    "validation_mailbox",
                    "Choose one of the mailboxes: \(DomainValidation.mailboxNames.joined(separator: ", ")).")
            ])
        }
        let lifecycle = LifecycleService(context: context)
        // The state is checked before the form, so a reissue the state forbids says so rather
        // than listing form errors; recorded like every refusal `perform` makes.
        let loaded = try context.recordingRefusal("scm:cert:reissue", certificateID: certificateID, by: principal) {
            let loaded = try context.loadCertificate(certificateID)
            try check(.reissue, on: loaded, now: context.clock.now)
            return loaded
        }
        let (form, storedCSR) = try lifecycle.resolveCSR(submitted, by: principal)
        let application = try validate(form, for: loaded)
        let certificate = try context.perform(
            "scm:cert:reissue", certificateID: certificateID, by: principal,
            detail: application.allDomains.joined(separator: ", "),
            guard: { certificate, now in try check(.reissue, on: certificate, now: now) },
            prepare: { _ in try lifecycle.makeCSR(for: application, stored: storedCSR) },
            apply: { certificate, store, material, now in
                certificate.status = .reissuing
                certificate.update(from: application, keyAlgorithm: material.keyAlgorithm)
                certificate.awaitingConfirmation = .reissueCancellation
                // The 30-day verification deadline counts from the reissue (RULES.md §3).
                certificate.appliedAt = now
                let contacts = LifecycleService.application(from: application)
                try store.save(contacts, certificateID: certificate.id)
                // The old certificate's PEM stays until the new one replaces it; the new CSR and
                // key are what the CA signs.
                var materials = try store.reader.materials(certificateID: certificate.id) ?? CertificateMaterials()
                materials.csrPEM = material.csrPEM
                materials.sealedPrivateKey = material.sealedKey
                try store.save(materials, certificateID: certificate.id)
                try LifecycleService.requestProofs(
                    of: application.allDomains, method: application.validationMethod,
                    mailbox: options.validationMailbox,
                    for: certificate, in: store, at: now)
                let mail = CAMail.reissueCancellation(certificate: certificate, application: contacts, at: now)
                try store.notify(.reissueConfirmationRequested, about: certificate, mail: mail, at: now)
            })
        return certificate
    }

    // MARK: Add additional domain

    /// ISSUED multiple-domain certificate with unused quantity → SUPPLEMENTCHECKING; the new
    /// names need their proofs (RULES.md §5), then the CA issues a new certificate with the added
    /// names and the same expiry. Notices go to `email` (RULES.md §3).
    public func addDomains(certificateID: String, domains text: String, email: String, by principal: Principal) throws -> Certificate {
        let loaded = try context.recordingRefusal("scm:cert:add-domains", certificateID: certificateID, by: principal) {
            let loaded = try context.loadCertificate(certificateID)
            try check(.addDomains, on: loaded, now: context.clock.now)
            return loaded
        }
        let addition = try validateDomainAddition(text, email: email, for: loaded)
        let certificate = try context.perform(
            "scm:cert:add-domains", certificateID: certificateID, by: principal,
            detail: addition.domains.joined(separator: ", "),
            guard: { certificate, now in
                try check(.addDomains, on: certificate, now: now)
                // Reloaded in the transaction: another addition may have used the quantity up.
                _ = try validateDomainAddition(text, email: email, for: certificate)
            },
            prepare: { _ in () },
            apply: { certificate, store, _, now in
                certificate.status = .supplementChecking
                let method: ValidationMethod = certificate.validationMethod
                let validations = addition.domains.map { domain in
                    DomainValidation(
                        certificateID: certificate.id, domain: domain, method: method, token: SecureRandom.hex(20),
                        email: "admin@\(domainVerificationName(for: domain, domainType: certificate.domainType))")
                }
                try store.addValidations(validations)
                try store.save(
                    DomainAdditionRequest(
                        certificateID: certificate.id, domains: addition.domains, email: addition.email,
                        requestedAt: now))
                if method == .email {
                    for validation in validations {
                        try store.deliver(CAMail.domainConfirmation(validation, certificate: certificate, at: now))
                    }
                }
                try store.deliver(
                    CAMail.domainAdditionReceived(
                        certificate: certificate, domains: addition.domains, to: addition.email, at: now))
                try store.notify(
                    .domainVerificationNeeded(domains: addition.domains, method: method), about: certificate, at: now)
            })
        try ca.review(certificateID: certificateID)
        return try context.loadCertificate(certificate.id)
    }

    // MARK: Messages

    /// One page of the messages `principal` may read (an administrator: everyone's), newest
    /// first, with the total.
    public func messages(for principal: Principal, offset: Int, limit: Int) throws -> Page<Message> {
        let userID = principal.isAdmin ? nil : principal.userID
        return try context.database.read { store in
            Page(items: try store.messages(userID: userID, offset: offset, limit: limit), total: try store.messageCount(userID: userID))
        }
    }

    /// The orders `principal` may list: everyone's with an unscoped grant, else their own purchases.
    /// One page, newest first, with the total.
    public func orders(for principal: Principal, offset: Int, limit: Int) throws -> Page<Order> {
        try context.database.read { try $0.orders(scope: principal.ownerScope(for: .orderList), offset: offset, limit: limit) }
    }
}

import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Moves certificates through the CA's steps (RULES.md §3, §5): CHECKING → CHECKING_ORG →
/// ISSUING → ISSUED, or UNPASSED. Runs on `scm serve`'s scheduler thread, in `scm tick`, and
/// right away when a user presses "Verify" or follows a mail link.
public struct CAService: Sendable {
    public let context: ServiceContext
    public let authority: CertificateAuthority

    public init(context: ServiceContext) {
        self.context = context
        self.authority = CertificateAuthority(database: context.database, sealer: context.sealer)
    }

    public func ensureAuthorities() throws {
        try authority.ensureAuthorities(now: context.clock.now)
    }

    /// One pass over every certificate the CA has work on. Returns how many steps were taken.
    @discardableResult
    public func tick(until stopRequested: () -> Bool = { false }) throws -> Int {
        let certificates = try context.database.read { try $0.certificatesInReview() }
        var steps = 0
        for certificate in certificates where !stopRequested() {
            do {
                steps += try review(certificateID: certificate.id)
            } catch let refusal as Refusal where refusal.code == .conflict {
                continue  // a user acted on it meanwhile: the next tick looks again
            } catch {
                context.logger.error(
                    "CA review failed", metadata: ["certificate": "\(certificate.id)", "error": "\(error)"])
            }
        }
        return steps
    }

    /// Takes every step the CA can take now on one certificate; returns how many it took.
    @discardableResult
    public func review(certificateID: String) throws -> Int {
        var steps = 0
        while steps < 5 {
            let certificate = try context.loadCertificate(certificateID)
            let step = try context.database.read { store in
                try CAReview(store: store, now: context.clock.now, reviewScale: context.reviewScale).step(
                    for: certificate)
            }
            guard try carryOut(step, on: certificate) else { break }
            steps += 1
        }
        return steps
    }

    /// Returns whether the status moved (so the review can go on to the next step).
    private func carryOut(_ step: CAStep, on loaded: Certificate) throws -> Bool {
        switch step {
        case .wait(let holdReason, let newlyVerified):
            guard holdReason != loaded.holdReason || !newlyVerified.isEmpty else { return false }
            try context.database.write { store in
                for domain in newlyVerified {
                    try store.markValidated(certificateID: loaded.id, domain: domain, at: context.clock.now)
                }
                var certificate = loaded
                certificate.holdReason = holdReason
                try store.update(certificate, expectedStatus: loaded.status)
                if holdReason != loaded.holdReason, let holdReason {
                    try store.append(
                        Event(
                            at: context.clock.now, actor: "CA", action: "ca:hold", target: loaded.id, result: .refused,
                            detail: holdReason))
                }
            }
            return false
        case .domainsVerified(let newlyVerified, let next, let due):
            try context.perform(
                "ca:domain-verified", certificateID: loaded.id, by: .system, detail: "→ \(next.label)",
                guard: { certificate, _ in try Self.require(.checking, certificate) }, prepare: { _ in () },
                apply: { certificate, store, _, now in
                    for domain in newlyVerified {
                        try store.markValidated(certificateID: certificate.id, domain: domain, at: now)
                    }
                    certificate.status = next
                    certificate.holdReason = nil
                    certificate.reviewDueAt = next == .issuing ? due : nil
                    try store.notify(.domainsVerified(next: next), about: certificate, at: now)
                    if next == .checkingOrg {
                        let application = try store.reader.application(certificateID: certificate.id)
                        let mail = CAMail.organizationVerification(
                            certificate: certificate, application: application, at: now)
                        try store.notify(.organizationVerificationSent, about: certificate, mail: mail, at: now)
                    }
                })
            return true
        case .organizationVerified(let due):
            try context.perform(
                "ca:organization-verified", certificateID: loaded.id, by: .system,
                guard: { certificate, _ in try Self.require(.checkingOrg, certificate) }, prepare: { _ in () },
                apply: { certificate, _, _, now in
                    certificate.status = .issuing
                    certificate.organizationVerifiedAt = now
                    certificate.reviewDueAt = due
                })
            return true
        case .issue:
            return try signing(loaded) { try issue(loaded) }
        case .fail(let reason):
            try context.perform(
                "ca:reject", certificateID: loaded.id, by: .system, detail: reason,
                guard: { certificate, _ in
                    guard [.checking, .checkingOrg, .issuing, .reissuing].contains(certificate.status) else {
                        throw Self.lostRace(certificate)
                    }
                }, prepare: { _ in () },
                apply: { certificate, store, _, now in
                    certificate.status = .unpassed
                    certificate.failReason = reason
                    certificate.holdReason = nil
                    certificate.reviewDueAt = nil
                    certificate.awaitingConfirmation = nil
                    let application = try store.reader.application(certificateID: certificate.id)
                    try store.notify(
                        .rejected(reason: reason), about: certificate,
                        mail: CAMail.rejected(
                            certificate: certificate, application: application, reason: reason, at: now), at: now)
                })
            return true
        case .withdrawalDone:
            try completeWithdrawal(loaded)
            return true
        case .additionWithdrawn:
            try restoreDomainSet(loaded)
            return true
        case .additionRefused(let reason):
            try restoreDomainSet(loaded, refusedBecause: reason)
            return true
        case .replace(let newlyVerified):
            return try signing(loaded) { try issueReplacement(loaded, newlyVerified: newlyVerified) }
        case .revoke:
            try completeRevocation(loaded)
            return true
        }
    }

    /// Runs a step that signs; a request the CA refuses to sign fails review with the reason
    /// instead of being retried every pass.
    private func signing(_ loaded: Certificate, _ body: () throws -> Void) throws -> Bool {
        do {
            try body()
            return true
        } catch let refusal as CertificateAuthority.SigningRefused {
            return try carryOut(
                CAReview.failure(of: loaded, reason: "The CA cannot sign the request: \(refusal.message)."), on: loaded)
        }
    }

    /// ISSUING → ISSUED: a real certificate signed by the brand's intermediate, valid one year
    /// from now (plus the inherited days of a renewal, RULES.md §6).
    private func issue(_ loaded: Certificate) throws {
        try context.perform(
            "ca:issue", certificateID: loaded.id, by: .system,
            guard: { certificate, _ in try Self.require(.issuing, certificate) },
            prepare: { certificate -> CertificateAuthority.Issued in
                let (materials, application, original) = try context.database.read { store in
                    (
                        try store.materials(certificateID: certificate.id),
                        try store.application(certificateID: certificate.id),
                        try certificate.renewalOf.flatMap { try store.certificate(id: $0) }
                    )
                }
                let now = context.clock.now
                let notAfter = renewalNotAfter(
                    originalNotAfter: original?.notAfter,
                    inherits: original.map { renewalInherits(from: $0, to: certificate) } ?? false,
                    issuedAt: now)
                return try authority.issue(
                    csrPEM: materials?.csrPEM ?? "", names: certificate.allDomains, brand: certificate.brand,
                    type: certificate.type,
                    application: application, notBefore: now, notAfter: notAfter)
            },
            apply: { certificate, store, issued, now in
                try store.saveIssued(issued, certificateID: certificate.id)
                certificate.status = .issued
                certificate.issuedAt = now
                certificate.record(issued)
                certificate.reviewDueAt = nil
                let application = try store.reader.application(certificateID: certificate.id)
                try store.notify(
                    .issued, about: certificate,
                    mail: CAMail.issued(certificate: certificate, application: application, at: now), at: now)
            })
    }

    // MARK: User actions that prompt the CA

    /// "Verify" on the Verify Domain Name page: ask the CA to check now (RULES.md §3).
    public func verifyNow(certificateID: String, by principal: Principal) throws -> Certificate {
        try context.perform(.verifyDomain, certificateID: certificateID, by: principal) { _, _, _ in }
        try review(certificateID: certificateID)
        return try context.loadCertificate(certificateID)
    }

    /// Following a mail's link in the mailbox simulator: confirms a domain or the organization.
    public func followLink(mailID: Int64, token: String, by principal: Principal) throws -> Mail {
        let now = context.clock.now
        let mail: Mail = try context.database.write { store in
            guard let mail = try store.reader.mail(id: mailID), mail.action != .none else {
                throw Refusal(.notFound, "This message has no link to follow.")
            }
            guard Digest.constantTimeEquals(Array(token.utf8), Array(mail.actionToken.utf8)) else {
                throw Refusal(.forbidden, "The link is not valid for this message.")
            }
            guard try store.markActed(mailID: mailID, at: now) else {
                throw Refusal(
                    .conflict, "This link was already used on \(mail.actedAt.map { "\($0)" } ?? "an earlier visit").")
            }
            try Self.answerConfirmation(mail, store: store, now: now)
            if mail.action == .confirmDomain, let certificateID = mail.certificateID {
                for validation in try store.reader.validations(certificateID: certificateID)
                where validation.token == mail.actionToken && validation.method == .email {
                    try store.markValidated(certificateID: certificateID, domain: validation.domain, at: now)
                }
            }
            try store.append(
                Event(
                    at: now, actor: principal.name, action: "mail:\(mail.action.rawValue)",
                    target: mail.certificateID ?? "",
                    // Only the domain mailbox: an applicant's address must not outlive a privacy cancellation.
                    detail: mail.action == .confirmDomain ? mail.recipient : "", remoteAddress: principal.remoteAddress)
            )
            return mail
        }
        if let certificateID = mail.certificateID { try review(certificateID: certificateID) }
        return mail
    }

    /// Automatic DNS verification (RULES.md §5): when the zone is hosted in the DNS simulator,
    /// add the TXT proof records for the user. Returns the hosts written.
    public func addDNSProofs(certificateID: String, by principal: Principal) throws -> [String] {
        let certificate = try context.loadCertificate(certificateID)
        try check(.verifyDomain, on: certificate, now: context.clock.now)
        let now = context.clock.now
        return try context.database.write { store in
            var written: [String] = []
            for validation in try store.reader.validations(certificateID: certificateID)
            where validation.method == .dns && validation.verifiedAt == nil {
                let host = validation.dnsHost(domainType: certificate.domainType)
                guard let zone = try store.reader.dnsZone(containing: host) else { continue }
                let quoted = "\"\(validation.token)\""
                var set =
                    try store.reader.dnsRecordSet(name: host, type: .txt)
                    ?? DNSRecordSet(zoneID: zone.id, name: host, type: .txt, values: [], savedAt: now)
                if !set.values.contains(quoted) {
                    set.values.append(quoted)
                    set.savedAt = now
                    try store.save(set)
                }
                written.append(host)
            }
            guard !written.isEmpty else {
                throw Refusal(
                    .invalidInput,
                    "None of this certificate's domains is in a zone hosted in the DNS simulator: add the records by hand."
                )
            }
            try store.append(
                Event(
                    at: now, actor: principal.name, action: "dns:auto-verify", target: certificateID,
                    detail: written.joined(separator: ", "),
                    remoteAddress: principal.remoteAddress))
            return written
        }
    }

    static func require(_ status: Certificate.Status, _ certificate: Certificate) throws {
        guard certificate.status == status else { throw lostRace(certificate) }
    }

    static func lostRace(_ certificate: Certificate) -> Refusal { ServiceContext.lostRace(certificate) }
}

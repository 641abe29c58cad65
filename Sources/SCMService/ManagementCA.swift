import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// The CA's steps for the operations after issuance (RULES.md §3): withdrawals, domain
/// additions, reissues and revocations. `CAReview` decides; these carry the decision out, each
/// through `context.perform` (compare-and-set on the status the step was decided for).
extension CAService {
    /// CANCELCHECKING → PAID: the proofs go, the application and draft stay for a new one.
    func completeWithdrawal(_ loaded: Certificate) throws {
        try context.perform(
            "ca:withdrawal-done", certificateID: loaded.id, by: .system, detail: "→ \(Certificate.Status.paid.label)",
            guard: { certificate, _ in try Self.require(.cancelChecking, certificate) }, prepare: { _ in () },
            apply: { certificate, store, _, now in
                try store.deleteValidations(certificateID: certificate.id)
                certificate.status = .paid
                certificate.reviewDueAt = nil
                certificate.holdReason = nil
                try store.notify(.withdrawn, about: certificate, at: now)
            })
    }

    /// CANCELSUPPLEMENTING (withdrawn) or SUPPLEMENTCHECKING (refused by the CA) → ISSUED with
    /// the old domain set: the added names' proofs go, and the notice says which it was.
    func restoreDomainSet(_ loaded: Certificate, refusedBecause reason: String? = nil) throws {
        let status = loaded.status
        let outcome = reason.map(DomainAdditionOutcome.refused) ?? .withdrawn
        try context.perform(
            reason == nil ? "ca:domain-addition-withdrawn" : "ca:domain-addition-refused", certificateID: loaded.id,
            by: .system,
            detail: reason ?? "",
            guard: { certificate, _ in try Self.require(status, certificate) }, prepare: { _ in () },
            apply: { certificate, store, _, now in
                if let addition = try store.reader.domainAddition(certificateID: certificate.id) {
                    try store.deleteValidations(certificateID: certificate.id, domains: addition.domains)
                    try store.deleteDomainAddition(certificateID: certificate.id)
                    let notice: CANotice =
                        switch outcome {
                        case .refused(let reason): .domainAdditionRefused(addition.domains, reason: reason)
                        case .withdrawn, .added: .domainAdditionWithdrawn(addition.domains)
                        }
                    try store.notify(
                        notice, about: certificate,
                        mail: CAMail.domainAdditionFinished(
                            certificate: certificate, domains: addition.domains, to: addition.email, outcome: outcome,
                            at: now),
                        at: now)
                }
                certificate.status = .issued
                certificate.holdReason = nil
            })
    }

    /// SUPPLEMENTCHECKING or REISSUING, everything proven → ISSUED with a new certificate that
    /// keeps the expiry (RULES.md §3: "the same expiry"; a reissue replaces the certificate for
    /// the rest of its validity). A reissue records the old certificate as revoked.
    func issueReplacement(_ loaded: Certificate, newlyVerified: [String]) throws {
        let status = loaded.status
        try context.perform(
            status == .reissuing ? "ca:reissue" : "ca:domain-addition", certificateID: loaded.id, by: .system,
            guard: { certificate, _ in try Self.require(status, certificate) },
            prepare: { certificate -> (CertificateAuthority.Issued, [String]) in
                let (materials, application, addition) = try context.database.read { store in
                    (
                        try store.materials(certificateID: certificate.id),
                        try store.application(certificateID: certificate.id),
                        try store.domainAddition(certificateID: certificate.id)
                    )
                }
                let names = certificate.allDomains + (status == .supplementChecking ? addition?.domains ?? [] : [])
                let now = context.clock.now
                let notAfter =
                    certificate.notAfter.map { max($0, now + 1) }
                    ?? renewalNotAfter(originalNotAfter: nil, inherits: false, issuedAt: now)
                let issued = try authority.issue(
                    csrPEM: materials?.csrPEM ?? "", names: names, brand: certificate.brand, type: certificate.type,
                    application: application, notBefore: now, notAfter: notAfter)
                return (issued, names)
            },
            apply: { certificate, store, prepared, now in
                let (issued, names) = prepared
                for domain in newlyVerified {
                    try store.markValidated(certificateID: certificate.id, domain: domain, at: now)
                }
                if status == .reissuing {
                    try store.recordRevocation(
                        serialNumber: certificate.serialNumber, certificateID: certificate.id,
                        reason: "Replaced by a reissue", at: now)
                } else if let addition = try store.reader.domainAddition(certificateID: certificate.id) {
                    try store.deleteDomainAddition(certificateID: certificate.id)
                    certificate.sans = Array(names.dropFirst())
                    try store.notify(
                        .domainsAdded(addition.domains), about: certificate,
                        mail: CAMail.domainAdditionFinished(
                            certificate: certificate, domains: addition.domains, to: addition.email, outcome: .added,
                            at: now),
                        at: now)
                }
                try store.saveIssued(issued, certificateID: certificate.id)
                certificate.status = .issued
                certificate.awaitingConfirmation = nil
                certificate.holdReason = nil
                certificate.record(issued)
                let application = try store.reader.application(certificateID: certificate.id)
                let issuedMail = CAMail.issued(certificate: certificate, application: application, at: now)
                // A domain addition was announced above; a reissue is a new certificate issued.
                if status == .reissuing {
                    try store.notify(.issued, about: certificate, mail: issuedMail, at: now)
                } else {
                    try store.deliver(issuedMail)
                }
            })
    }

    /// REVOKING → REVOKED: the serial goes on the CA's revocation records and the CA clears its
    /// validation records of the certificate (RULES.md §3 Revoke).
    func completeRevocation(_ loaded: Certificate) throws {
        try context.perform(
            "ca:revoke", certificateID: loaded.id, by: .system, detail: loaded.serialNumber,
            guard: { certificate, _ in
                try Self.require(.revoking, certificate)
                guard certificate.awaitingConfirmation == nil else { throw Self.lostRace(certificate) }
            },
            prepare: { _ in () },
            apply: { certificate, store, _, now in
                try store.recordRevocation(
                    serialNumber: certificate.serialNumber, certificateID: certificate.id,
                    reason: certificate.revokeReason ?? "", at: now)
                try store.deleteValidations(certificateID: certificate.id)
                certificate.status = .revoked
                certificate.autoRenew = false
                let application = try store.reader.application(certificateID: certificate.id)
                try store.notify(
                    .revoked, about: certificate,
                    mail: CAMail.revoked(certificate: certificate, application: application, at: now), at: now)
            })
    }

    /// Inside `followLink`'s transaction: the revocation or reissue-cancellation mail answered
    /// clears what the certificate waited for, so the next review goes on (RULES.md §3).
    static func answerConfirmation(_ mail: Mail, store: StoreWriter, now: Date) throws {
        let awaited: (Certificate.Status, Certificate.Confirmation)
        switch mail.action {
        case .confirmRevocation: awaited = (.revoking, .revocation)
        case .confirmReissue: awaited = (.reissuing, .reissueCancellation)
        case .none, .confirmDomain, .verifyOrganization: return
        }
        guard let id = mail.certificateID, var certificate = try store.reader.certificate(id: id),
            certificate.status == awaited.0, certificate.awaitingConfirmation == awaited.1
        else {
            throw Refusal(.conflict, "The certificate no longer waits for this confirmation; nothing was done.")
        }
        certificate.awaitingConfirmation = nil
        certificate.holdReason = nil
        certificate.updatedAt = now
        try store.update(certificate, expectedStatus: awaited.0)
    }
}

extension Certificate {
    /// The X.509 facts of the certificate the CA signed for it: validity, serial number,
    /// fingerprint, signature algorithm and issuer, as the details page shows them.
    mutating func record(_ issued: CertificateAuthority.Issued) {
        record(issued.info)
    }

    /// The same facts read from any X.509 certificate (an uploaded one too).
    mutating func record(_ info: CertificateInfo) {
        notBefore = info.notBefore
        notAfter = info.notAfter
        serialNumber = info.serialNumberHex
        fingerprintSHA256 = info.fingerprintSHA256
        signatureAlgorithm = info.signatureAlgorithm
        issuer = info.issuer
    }
}

extension StoreWriter {
    /// Stores what the CA signed as the certificate's PEM and chain; its CSR and key stay (the
    /// CA signed that CSR). Used by every issuance: the first, a reissue, a domain addition.
    func saveIssued(_ issued: CertificateAuthority.Issued, certificateID: String) throws {
        var materials = try reader.materials(certificateID: certificateID) ?? CertificateMaterials()
        materials.certificatePEM = issued.certificatePEM
        materials.chainPEM = issued.chainPEM
        try save(materials, certificateID: certificateID)
    }
}

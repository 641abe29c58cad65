import Foundation
import SCMCore
import SCMStore

extension LifecycleService {
    /// "Change Verification Method" while the certificate waits for domain verification
    /// (RULES.md §5, CHECKING only): the proofs of every domain are replaced by new ones for
    /// `method` (fresh tokens; e-mail confirmations sent to `mailbox@` each verified name), in
    /// one transaction with the compare-and-set on CHECKING.
    public func changeVerificationMethod(
        certificateID: String, method raw: String, mailbox: String = "admin", by principal: Principal
    ) throws -> Certificate {
        guard DomainValidation.mailboxNames.contains(mailbox) else {
            throw Refusal.invalid(
                "validation_mailbox", "Choose one of the mailboxes: \(DomainValidation.mailboxNames.joined(separator: ", ")).")
        }
        let loaded = try context.loadCertificate(certificateID)
        try check(.changeVerificationMethod, on: loaded, now: context.clock.now)
        let method = try validateValidationMethod(
            raw, namesIP: loaded.allDomains.contains(where: DomainName.isIPv4), for: loaded)
        guard method != loaded.validationMethod else {
            throw Refusal.invalid(
                ApplicationField.domainMethod, "The certificate is already verified by \(method.displayName); choose another method.")
        }
        return try context.perform(.changeVerificationMethod, certificateID: certificateID, by: principal, detail: method.rawValue) {
            certificate, store, now in
            certificate.validationMethod = method
            try Self.requestProofs(
                of: certificate.allDomains, method: method, mailbox: mailbox, for: certificate, in: store, at: now)
        }
    }
}

import Foundation
import SCMCloud
import SCMCore
import SCMPKI

/// How a domain addition ended (RULES.md §3 Add additional domain, Withdraw domain addition).
enum DomainAdditionOutcome {
    case added
    case withdrawn
    case refused(reason: String)
}

/// The CA's and the manager's mails for the operations after issuance (RULES.md §3, §6). Mails
/// carry no applicant phone or company: only what the recipient needs to act.
extension CAMail {
    /// OV/EV revocation: the applicant confirms by following the link (RULES.md §3 Revoke).
    static func revocationConfirmation(certificate: Certificate, application: Application?, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Confirm the revocation of the certificate for \(certificate.domain)",
            body: """
                A revocation of the certificate \(certificate.name) (\(certificate.id)), serial \(certificate.serialNumber),
                was requested in SSL Certificate Manager. Follow the link to confirm it; a revocation cannot be undone.
                """,
            certificateID: certificate.id, action: .confirmRevocation, actionToken: SecureRandom.hex(20), createdAt: now)
    }

    /// Reissue: confirm that the old certificate is cancelled once the new one is issued.
    static func reissueCancellation(certificate: Certificate, application: Application?, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Confirm the cancellation of the old certificate for the reissue of \(certificate.name)",
            body: """
                A reissue of \(certificate.name) (\(certificate.id)) for \(certificate.allDomains.joined(separator: ", ")) was requested.
                When the new certificate is issued, the old one (serial \(certificate.serialNumber)) is revoked.
                Follow the link to confirm the cancellation of the old certificate.
                """,
            certificateID: certificate.id, action: .confirmReissue, actionToken: SecureRandom.hex(20), createdAt: now)
    }

    static func domainAdditionReceived(certificate: Certificate, domains: [String], to email: String, at now: Date) -> Mail {
        Mail(
            recipient: email,
            subject: "[\(certificate.brand.displayName)] Domain names being added to \(certificate.name)",
            body: """
                The CA is verifying \(domains.joined(separator: ", ")) for \(certificate.name) (\(certificate.id)).
                Prove ownership of each on the Verify Domain Name page; the current certificate stays usable until then.
                """,
            certificateID: certificate.id, createdAt: now)
    }

    static func domainAdditionFinished(
        certificate: Certificate, domains: [String], to email: String, outcome: DomainAdditionOutcome, at now: Date
    ) -> Mail {
        let names = domains.joined(separator: ", ")
        let (verb, body): (String, String) =
            switch outcome {
            case .added:
                ("completed", "A new certificate for \(certificate.name) (\(certificate.id)) now carries \(names); its expiry is unchanged.")
            case .withdrawn:
                ("withdrawn", "The addition of \(names) to \(certificate.name) (\(certificate.id)) was withdrawn; the certificate keeps its previous domain names.")
            case .refused(let reason):
                ("refused", "The CA refused the addition of \(names) to \(certificate.name) (\(certificate.id)): \(reason) The certificate keeps its previous domain names.")
            }
        return Mail(
            recipient: email, subject: "[\(certificate.brand.displayName)] Domain name addition \(verb) for \(certificate.name)", body: body,
            certificateID: certificate.id, createdAt: now)
    }

    static func revoked(certificate: Certificate, application: Application?, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Certificate for \(certificate.domain) revoked",
            body: "The certificate \(certificate.name) (\(certificate.id)), serial \(certificate.serialNumber), was revoked.",
            certificateID: certificate.id, createdAt: now)
    }
}

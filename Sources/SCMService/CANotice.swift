import Foundation
import SCMCloud
import SCMCore
import SCMStore

/// The CA's and the manager's outcomes a certificate's owner hears of in the message center
/// (issue 9: "CA messages"), each an event type of the webhooks. The CA's mail goes to the
/// applicant; this message goes to the owner, written with it by `StoreWriter.notify`. A
/// message never quotes the applicant's contact data: cancelling the privacy authorization
/// erases that data (RULES.md §3), and messages and webhook deliveries are kept.
enum CANotice: Sendable, Equatable {
    case domainVerificationNeeded(domains: [String], method: ValidationMethod)
    case domainsVerified(next: Certificate.Status)
    case organizationVerificationSent
    case issued
    case rejected(reason: String)
    case reissueConfirmationRequested
    case revocationConfirmationRequested
    case revoked
    case domainsAdded([String])
    case withdrawn
    case domainAdditionWithdrawn([String])
    case domainAdditionRefused([String], reason: String)

    /// The event types, with the label the webhook settings show; `kind` is one of them.
    static let eventTypes: [(type: String, label: String)] = [
        ("DOMAIN_VERIFICATION", "Domain verification needed"), ("DOMAIN_VERIFIED", "Domain names verified"),
        ("ORG_VERIFICATION", "Organization verification mail sent"), ("CERT_ISSUED", "Certificate issued"),
        ("CERT_UNPASSED", "Approval failed"),
        ("CONFIRMATION_REQUESTED", "Confirmation requested (reissue, revocation)"),
        ("CERT_REVOKED", "Certificate revoked"), ("DOMAINS_ADDED", "Domain names added"),
        ("WITHDRAWAL_DONE", "Withdrawal done (application, domain addition)"),
    ]

    var kind: String {
        switch self {
        case .domainVerificationNeeded: "DOMAIN_VERIFICATION"
        case .domainsVerified: "DOMAIN_VERIFIED"
        case .organizationVerificationSent: "ORG_VERIFICATION"
        case .issued: "CERT_ISSUED"
        case .rejected, .domainAdditionRefused: "CERT_UNPASSED"
        case .reissueConfirmationRequested, .revocationConfirmationRequested: "CONFIRMATION_REQUESTED"
        case .revoked: "CERT_REVOKED"
        case .domainsAdded: "DOMAINS_ADDED"
        case .withdrawn, .domainAdditionWithdrawn: "WITHDRAWAL_DONE"
        }
    }

    /// The message's title and body for `certificate` as it is after the step.
    func text(for certificate: Certificate) -> (title: String, body: String) {
        let name = certificate.name
        let subject = "\(name) (\(certificate.id))"
        switch self {
        case .domainVerificationNeeded(let domains, let method):
            let how =
                switch method {
                case .dns: "publish the DNS TXT record shown on the Verify Domain Name page for each"
                case .file: "place the verification file shown on the Verify Domain Name page on each site"
                case .email: "follow the link in the confirmation mail the CA sent for each"
                }
            return (
                "Verify the domain names of \(name)",
                "The CA waits for proof that you control \(domains.joined(separator: ", ")) for \(subject): \(how)."
            )
        case .domainsVerified(let next):
            return (
                "Domain names of \(name) verified",
                "The CA verified every domain name of \(subject) (\(certificate.allDomains.joined(separator: ", "))). "
                    + "It is now \"\(next.label)\"."
            )
        case .organizationVerificationSent:
            return (
                "Organization verification for \(name)",
                "The CA sent its organization verification mail for \(subject) to the applicant's e-mail address. "
                    + "The certificate is issued once the applicant confirms."
            )
        case .issued:
            return (
                "\(name) issued",
                "\(subject) for \(certificate.allDomains.joined(separator: ", ")) was issued, valid until "
                    + "\(certificate.notAfter.map(ExpiryService.day) ?? "–"). Download or deploy it from the certificate list."
            )
        case .rejected(let reason):
            return ("\(name) was not approved", "The CA did not approve \(subject): \(reason)")
        case .reissueConfirmationRequested:
            return (
                "Confirm the reissue of \(name)",
                "The reissue of \(subject) waits for the applicant to confirm the cancellation of the old certificate: "
                    + "the CA sent the link to the applicant's e-mail address."
            )
        case .revocationConfirmationRequested:
            return (
                "Confirm the revocation of \(name)",
                "The revocation of \(subject) waits for the applicant to confirm it: the CA sent the link to the "
                    + "applicant's e-mail address."
            )
        case .revoked:
            return ("\(name) revoked", "\(subject), serial \(certificate.serialNumber), was revoked.")
        case .domainsAdded(let domains):
            return (
                "Domain names added to \(name)",
                "A new certificate for \(subject) now carries \(domains.joined(separator: ", ")); its expiry is unchanged."
            )
        case .withdrawn:
            return (
                "Application for \(name) withdrawn",
                "The CA closed the application of \(subject). It is \"\(certificate.statusLabel)\" again; apply for it when you are ready."
            )
        case .domainAdditionWithdrawn(let domains):
            return (
                "Domain name addition to \(name) withdrawn",
                "The addition of \(domains.joined(separator: ", ")) to \(subject) was withdrawn; the certificate keeps its previous domain names."
            )
        case .domainAdditionRefused(let domains, let reason):
            return (
                "Domain name addition to \(name) not approved",
                "The CA refused the addition of \(domains.joined(separator: ", ")) to \(subject): \(reason) "
                    + "The certificate keeps its previous domain names."
            )
        }
    }
}

extension StoreWriter {
    /// Delivers the CA's `mail` (when the step sends one) and tells the certificate's owner in
    /// the message center, in the transaction of the step: either both are written or neither.
    func notify(_ notice: CANotice, about certificate: Certificate, mail: Mail? = nil, at now: Date) throws {
        if let mail { try deliver(mail) }
        let (title, body) = notice.text(for: certificate)
        try insert(
            Message(
                userID: try reader.ownerID(certificateID: certificate.id), certificateID: certificate.id,
                kind: notice.kind,
                title: title, body: body, createdAt: now))
    }
}

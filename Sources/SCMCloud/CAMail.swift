import Foundation
import SCMCore
import SCMPKI

/// The messages the simulated CA sends into the mailbox simulator. Each actionable one carries a
/// one-time token; following its link (the mailbox page) performs the action.
public enum CAMail {
    public static func domainConfirmation(_ validation: DomainValidation, certificate: Certificate, at now: Date) -> Mail {
        Mail(
            recipient: validation.email,
            subject: "[\(certificate.brand.displayName)] Confirm the certificate request for \(validation.domain)",
            body: """
                A certificate request from SSL Certificate Manager names \(validation.domain).
                Certificate: \(certificate.name) (\(certificate.id)), \(certificate.typeSummary).
                If you control this domain and approve the request, follow the confirmation link.
                """,
            certificateID: certificate.id, action: .confirmDomain, actionToken: validation.token, createdAt: now)
    }

    public static func organizationVerification(certificate: Certificate, application: Application?, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Organization verification for \(certificate.domain)",
            body: """
                Dear \(application?.applicantName ?? "applicant"),
                To issue the \(certificate.type.displayName) certificate for \(certificate.domain), we verify that
                \(application?.companyName ?? "your organization") requested it. Confirm by following the link below
                (the simulated equivalent of the CA's verification call or reply).
                """,
            certificateID: certificate.id, action: .verifyOrganization, actionToken: SecureRandom.hex(20), createdAt: now)
    }

    public static func issued(certificate: Certificate, application: Application?, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Your certificate for \(certificate.domain) has been issued",
            body: """
                The certificate \(certificate.name) (\(certificate.id)) was issued.
                Serial number: \(certificate.serialNumber). Valid until \(certificate.notAfter.map { "\($0)" } ?? "").
                Download or deploy it from SSL Certificate Manager.
                """,
            certificateID: certificate.id, createdAt: now)
    }

    public static func rejected(certificate: Certificate, application: Application?, reason: String, at now: Date) -> Mail {
        Mail(
            recipient: application?.applicantEmail ?? "",
            subject: "[\(certificate.brand.displayName)] Certificate request for \(certificate.domain.isEmpty ? certificate.id : certificate.domain) failed",
            body: "The CA did not approve \(certificate.name) (\(certificate.id)): \(reason)",
            certificateID: certificate.id, createdAt: now)
    }
}

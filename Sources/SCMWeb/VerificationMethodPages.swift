import Foundation
import SCMCore
import SCMService

extension WebApp {
    /// "Change Verification Method" (RULES.md §5): while the certificate is CHECKING, new proofs
    /// for another method replace the old ones; a form of fields like the management pages.
    func addVerificationMethodRoutes(_ router: inout Router) {
        let operation = Certificate.Operation.changeVerificationMethod
        router.add("GET", "certificates/:id/\(operation.rawValue)", action: operation.action) { try showChangeMethod(&$0) }
        router.add("POST", "certificates/:id/\(operation.rawValue)", action: operation.action) { try changeMethod(&$0) }
    }

    func showChangeMethod(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        try check(.changeVerificationMethod, on: certificate, now: context.clock.now)
        return .html(templates.render(changeMethodPage(request, certificate, form: nil, errors: .none), "fields"))
    }

    func changeMethod(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = request.parameter("id")
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                let certificate = try lifecycle.changeVerificationMethod(
                    certificateID: id, method: form["domain_method"] ?? "", mailbox: form["validation_mailbox"] ?? "admin",
                    by: context.principal)
                let method = certificate.validationMethod.displayName
                return (
                    "/certificates/\(id)/verify-domain", "Verification method changed to \(method); new proofs are listed below.",
                    ["cert_id": id, "status": certificate.status.rawValue, "domain_method": certificate.validationMethod.rawValue]
                )
            },
            reshow: { errors in
                let certificate = try self.context.loadCertificateForPage(id)
                return templates.render(changeMethodPage(context, certificate, form: form, errors: errors), "fields")
            })
    }

    private func changeMethodPage(_ request: RequestContext, _ certificate: Certificate, form: FormData?, errors: FormErrors)
        -> FieldsPage
    {
        let operation = Certificate.Operation.changeVerificationMethod
        let selected = form?["domain_method"] ?? certificate.validationMethod.rawValue
        let mailbox = form?["validation_mailbox"] ?? "admin"
        return FieldsPage(
            layout: layout(
                title: operation.title, request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, operation.title), flash: request.flash),
            errors: errors, certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel,
            heading: "\(operation.title): \(certificate.name)",
            lead: "The CA forgets the current proofs and waits for new ones made for the method chosen here: a new DNS record or file for each domain, or a new confirmation e-mail to the chosen mailbox of each domain.",
            facts: [
                "Current method: \(certificate.validationMethod.displayName).",
                "Domain names: \(certificate.allDomains.joined(separator: ", ")).",
                "A DV certificate is verified by DNS only; File and E-mail are for OV and EV, and a certificate for an IP address is verified only by File.",
            ],
            fields: [
                .select(
                    ApplicationField.domainMethod, "Verification method",
                    Choice.list(ValidationMethod.allCases, selected: selected) { $0.displayName }, errors: errors),
                .select(
                    "validation_mailbox", "Mailbox for E-mail verification",
                    DomainValidation.mailboxNames.map { Choice(value: $0, label: "\($0)@", selected: $0 == mailbox) },
                    hint: "Used only with E-mail.", errors: errors),
            ],
            action: "/certificates/\(certificate.id)/\(operation.rawValue)", button: "Change Method")
    }
}

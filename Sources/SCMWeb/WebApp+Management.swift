import Foundation
import SCMCore
import SCMService
import SCMStore

extension WebApp {
    /// The operations after issuance (issue 5, RULES.md §3): each a GET page at
    /// `/certificates/{id}/{operation}` (confirmation or form) and a POST at the same address that
    /// answers 303 + flash, or JSON with `Accept: application/json`.
    func addManagementRoutes(_ router: inout Router) {
        for operation in Self.confirmedOperations {
            router.add("GET", "certificates/:id/\(operation.rawValue)", action: operation.action) { try showConfirm(&$0, operation) }
            router.add("POST", "certificates/:id/\(operation.rawValue)", action: operation.action) { try confirmed(&$0, operation) }
        }
        router.add("GET", "certificates/:id/reissue", action: .certReissue) { try showReissue(&$0) }
        router.add("POST", "certificates/:id/reissue", action: .certReissue) { try reissue(&$0) }
        router.add("GET", "certificates/:id/confirm-operation", action: .certReissue) { try showConfirmOperation(&$0) }
        for operation in Self.fieldOperations {
            router.add("GET", "certificates/:id/\(operation.rawValue)", action: operation.action) { try showFields(&$0, operation) }
            router.add("POST", "certificates/:id/\(operation.rawValue)", action: operation.action) { try submitFields(&$0, operation) }
        }
        router.add("GET", "orders", action: .orderList) { try showOrders(&$0) }
        router.add("GET", "messages", action: .messageList) { try showMessages(&$0) }
    }

    static let confirmedOperations: [Certificate.Operation] = [
        .withdraw, .withdrawDomainAddition, .newApplication, .revoke, .delete, .unsubscribe, .cancelPrivacy,
    ]
    static let fieldOperations: [Certificate.Operation] = [.addDomains, .renew, .autoRenew, .rename, .moveProject]

    var management: ManagementService { ManagementService(context: context) }

    // MARK: Confirmation pages

    func showConfirm(_ request: inout RequestContext, _ operation: Certificate.Operation) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        try check(operation, on: certificate, now: context.clock.now)
        return .html(templates.render(confirmPage(request, operation, certificate, errors: .none), "confirm"))
    }

    func confirmPage(_ request: RequestContext, _ operation: Certificate.Operation, _ certificate: Certificate, errors: FormErrors)
        -> ConfirmPage
    {
        let form = request.request.form
        let (points, button): ([String], String) =
            switch operation {
            case .withdraw:
                (["The CA stops verifying the application; the certificate returns to \"Pending application\".",
                  "The domain, contact and organization details are kept for a new application.",
                  "If the CA approves the certificate first, the withdrawal fails."], "Withdraw Application")
            case .withdrawDomainAddition:
                (["The CA stops verifying the added domain names; the certificate keeps its previous domain names."],
                 "Withdraw Domain Addition")
            case .newApplication:
                (["The certificate returns to \"Pending application\" with the data of the failed application, ready to edit.",
                  certificate.failReason.map { "The CA's reason for the failure: \($0)" } ?? ""].filter { !$0.isEmpty },
                 "New Application")
            case .revoke:
                (["A revocation cannot be cancelled once submitted; browsers stop trusting the certificate.",
                  certificate.type.verifiesOrganization
                    ? "The CA mails the applicant a confirmation; the certificate is revoked once it is answered."
                    : "The CA revokes the certificate right away.",
                  "Revoking does not stop you buying new certificates."], "Revoke")
            case .delete:
                (["The certificate is removed from SSL Certificate Manager for good; this cannot be undone.",
                  "An issued certificate stays valid in browsers until it expires or is revoked."], "Delete")
            case .unsubscribe:
                (["¥\(certificate.price) is refunded to the order\(certificate.orderID.map { " \($0)" } ?? "") (vouchers are not refunded).",
                  "The certificate is deleted and cannot be restored."], "Unsubscribe")
            case .cancelPrivacy:
                (["The applicant's and technical contact's name, phone and e-mail, and the organization details, are deleted from the database for good.",
                  "This cannot be undone; a later application asks for them again."], "Cancel Privacy Authorization")
            default:
                preconditionFailure("\(operation) has no confirmation page")
            }
        return ConfirmPage(
            layout: layout(
                title: operation.title, request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, operation.title), flash: request.flash),
            errors: errors, certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel,
            heading: "\(operation.title): \(certificate.name)", points: points,
            action: "/certificates/\(certificate.id)/\(operation.rawValue)", button: button,
            danger: operation != .newApplication, askReason: operation == .revoke, reason: form["reason"] ?? "",
            askAcknowledge: operation == .unsubscribe,
            confirmText: operation == .newApplication ? nil : "\(button) \(certificate.name)? This cannot be undone.")
    }

    func confirmed(_ request: inout RequestContext, _ operation: Certificate.Operation) throws -> HTTPResponse {
        let id = request.parameter("id")
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let details = "/certificates/\(id)"
                switch operation {
                case .withdraw:
                    let c = try management.withdraw(certificateID: id, by: principal)
                    return (details, "Application withdrawn: the certificate is \"\(c.statusLabel)\".", ["status": c.status.rawValue])
                case .withdrawDomainAddition:
                    let c = try management.withdrawDomainAddition(certificateID: id, by: principal)
                    return (details, "Domain addition withdrawn: the certificate is \"\(c.statusLabel)\".", ["status": c.status.rawValue])
                case .newApplication:
                    let c = try management.newApplication(certificateID: id, by: principal)
                    return ("/certificates/\(id)/apply", "The application data is kept: edit it and submit again.", ["status": c.status.rawValue])
                case .revoke:
                    let c = try management.revoke(certificateID: id, reason: form["reason"] ?? "", by: principal)
                    let message =
                        c.status == .revoked
                        ? "Certificate revoked."
                        : "Revocation requested: the CA waits for the applicant to confirm the e-mail it sent."
                    return (details, message, ["status": c.status.rawValue])
                case .delete:
                    // A console page is the console, whatever it answers in: only /v3 is the API (RULES.md §3).
                    try management.delete(certificateID: id, channel: .console, by: principal)
                    return ("/certificates", "Certificate \(id) deleted.", ["cert_id": id, "deleted": true])
                case .unsubscribe:
                    let refund = try management.unsubscribe(
                        certificateID: id, acknowledged: form["acknowledge"] == "on" || form["acknowledge"] == "true", by: principal)
                    return (
                        "/orders", "Unsubscribed: ¥\(refund.amount) refunded (order \(refund.id)); the certificate was deleted.",
                        ["cert_id": id, "refund_order_id": refund.id, "refunded": "\(refund.amount)"]
                    )
                case .cancelPrivacy:
                    let c = try management.cancelPrivacy(certificateID: id, by: principal)
                    return (details, "Privacy authorization cancelled: the contact and organization details were deleted.",
                            ["privacy_cancelled": c.privacyCancelled])
                default:
                    preconditionFailure("\(operation) has no confirmation page")
                }
            },
            reshow: { errors in
                let certificate = try context.loadCertificateForPage(id)
                return templates.render(confirmPage(request, operation, certificate, errors: errors), "confirm")
            })
    }

    // MARK: Reissue

    func showReissue(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        try check(.reissue, on: certificate, now: context.clock.now)
        var form = try lifecycle.applyForm(certificateID: certificate.id, by: request.principal)
        form.validationMethod = certificate.validationMethod.rawValue
        form.keyAlgorithm = certificate.keyAlgorithm.rawValue
        return .html(templates.render(try reissuePage(request, certificate, form: form, mailbox: "admin", errors: .none), "reissue"))
    }

    func reissuePage(_ request: RequestContext, _ certificate: Certificate, form: ApplicationForm, mailbox: String, errors: FormErrors)
        throws -> ApplyPage
    {
        try applyPage(request, certificate: certificate, form: form, mailbox: mailbox, errors: errors, hasDraft: false)
    }

    func reissue(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        let posted = request.request.form
        let form = ApplicationForm(fields: { posted[$0] })
        let mailbox = posted["validation_mailbox"] ?? "admin"
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let c = try management.reissue(
                    certificateID: certificate.id, form: form, options: .init(validationMailbox: mailbox), by: principal)
                return (
                    "/certificates/\(c.id)/confirm-operation",
                    "Reissue submitted. Confirm the cancellation of the old certificate from the CA's e-mail, and prove the domain on Verify Domain Name.",
                    ["status": c.status.rawValue, "awaiting_confirmation": c.awaitingConfirmation?.rawValue ?? ""]
                )
            },
            reshow: { errors in
                try templates.render(reissuePage(request, certificate, form: form, mailbox: mailbox, errors: errors), "reissue")
            })
    }

    func showConfirmOperation(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        let mail = try context.database.read { store in
            try store.unansweredMail(certificateID: certificate.id, action: .confirmReissue)
                ?? store.answeredMail(certificateID: certificate.id, action: .confirmReissue)
        }
        let page = ConfirmOperationPage(
            layout: layout(
                title: "Confirm Operation", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Confirm Operation"), flash: request.flash),
            certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel,
            recipient: mail?.recipient ?? "", subject: mail?.subject ?? "", mailID: mail?.id,
            waiting: certificate.awaitingConfirmation == .reissueCancellation)
        return .html(templates.render(page, "confirm-operation"))
    }

    // MARK: Forms of a few fields

    func showFields(_ request: inout RequestContext, _ operation: Certificate.Operation) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        // Switching auto-renewal off stays possible whatever the status.
        if operation != .autoRenew || !certificate.autoRenew {
            try check(operation, on: certificate, now: context.clock.now)
        }
        return .html(templates.render(fieldsPage(request, operation, certificate, form: nil, errors: .none), "fields"))
    }

    func fieldsPage(
        _ request: RequestContext, _ operation: Certificate.Operation, _ certificate: Certificate, form: FormData?, errors: FormErrors
    ) -> FieldsPage {
        func value(_ name: String, _ fallback: String) -> String { form?[name] ?? fallback }
        let lead: String?
        var facts: [String] = []
        let fields: [FieldsPage.Field]
        let button: String
        switch operation {
        case .addDomains:
            lead = "The CA verifies the new names (RULES.md §5), then issues a new certificate carrying them with the same expiry; the current certificate stays downloadable until then."
            facts = [
                "Domain names in use: \(certificate.allDomains.count) of \(certificate.domainQuota).",
                "Current names: \(certificate.allDomains.joined(separator: ", ")).",
            ]
            fields = [
                .textarea("sans", "New domain names (one per line)", value("sans", ""), errors: errors),
                .text("email", "E-mail address for the notices", value("email", ""), errors: errors),
            ]
            button = "Add Domain Names"
        case .renew:
            let original = ManagementService.RenewalChoice(of: certificate, agreed: false)
            lead = "A new certificate is bought, pre-filled with this one's choices. Keeping CA, type, domain type, quantity and primary domain keeps the days left on this certificate (RULES.md §6); any change gives a plain year."
            facts = certificate.notAfter.map { ["This certificate expires on \(Self.formatDate($0))."] } ?? []
            fields = [
                .select("cert_brand", "Certificate authority", Choice.list(CABrand.allCases, selected: value("cert_brand", original.brand.rawValue)) { $0.displayName }, errors: errors),
                .select("cert_type", "Certificate type", Choice.list(CertificateType.allCases, selected: value("cert_type", original.type.rawValue)) { $0.displayName }, errors: errors),
                .select("domain_type", "Domain type", Choice.list(DomainType.allCases, selected: value("domain_type", original.domainType.rawValue)) { $0.displayName }, errors: errors),
                .text("domain_numbers", "Domain quantity", value("domain_numbers", String(original.domainQuantity)), hint: "Multiple domains: 2 to 250.", errors: errors),
                .text("domain", "Primary domain", value("domain", original.primaryDomain), errors: errors),
                .checkbox("agree", "I have read and agree to the SSL Certificate Manager Statement", checked: form?["agree"] == "on", errors: errors),
            ]
            button = "Buy Renewal"
        case .autoRenew:
            lead = "When on, a renewal is bought and applied for with the same data 30 days before this certificate expires, and you are told in the message center."
            facts = ["Auto-renewal is now \(certificate.autoRenew ? "on" : "off")."]
            fields = [
                .select("enabled", "Auto-renewal", [
                    Choice(value: "on", label: "On", selected: !certificate.autoRenew),
                    Choice(value: "off", label: "Off", selected: certificate.autoRenew),
                ], errors: errors)
            ]
            button = "Save"
        case .rename:
            lead = nil
            fields = [
                .text("name", "Certificate name", value("name", certificate.name), hint: "3 to 63 letters, digits, _, - or .; need not be unique.", errors: errors),
                .textarea("description", "Description", value("description", certificate.description), hint: "Up to 255 characters.", errors: errors),
            ]
            button = "Save"
        case .moveProject:
            lead = "Moves the certificate to another enterprise project; the list can be filtered by project."
            facts = ["Current project: \(certificate.enterpriseProject)."]
            fields = [.text("enterprise_project", "Enterprise project", value("enterprise_project", certificate.enterpriseProject), errors: errors)]
            button = "Move"
        default:
            preconditionFailure("\(operation) has no form of fields")
        }
        return FieldsPage(
            layout: layout(
                title: operation.title, request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, operation.title), flash: request.flash),
            errors: errors, certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel,
            heading: "\(operation.title): \(certificate.name)", lead: lead, facts: facts, fields: fields,
            action: "/certificates/\(certificate.id)/\(operation.rawValue)", button: button)
    }

    func submitFields(_ request: inout RequestContext, _ operation: Certificate.Operation) throws -> HTTPResponse {
        let id = request.parameter("id")
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let details = "/certificates/\(id)"
                switch operation {
                case .addDomains:
                    let c = try management.addDomains(certificateID: id, domains: form["sans"] ?? "", email: form["email"] ?? "", by: principal)
                    return (
                        "/certificates/\(id)/verify-domain",
                        "Domain names submitted: the CA verifies them. Prove ownership of each new name below.",
                        ["status": c.status.rawValue]
                    )
                case .renew:
                    let choice = ManagementService.RenewalChoice(
                        brand: CABrand(rawValue: form["cert_brand"] ?? "") ?? .digiCert,
                        type: CertificateType(rawValue: form["cert_type"] ?? "") ?? .dv,
                        domainType: DomainType(rawValue: form["domain_type"] ?? "") ?? .single,
                        domainQuantity: Int(form["domain_numbers"] ?? "") ?? 0, primaryDomain: form["domain"] ?? "",
                        agreed: form["agree"] == "on" || form["agree"] == "true")
                    let renewal = try management.renew(certificateID: id, choice: choice, by: principal)
                    return (
                        "/certificates/\(renewal.id)/apply",
                        "Renewal \(renewal.name) bought (¥\(renewal.price)). Apply for it; the company name stays the original's.",
                        ["cert_id": renewal.id, "order_id": renewal.orderID ?? "", "renewal_of": id]
                    )
                case .autoRenew:
                    let enabled = form["enabled"] == "on" || form["enabled"] == "true"
                    let c = try management.setAutoRenew(certificateID: id, enabled: enabled, by: principal)
                    return (details, "Auto-renewal is \(c.autoRenew ? "on" : "off").", ["auto_renew": c.autoRenew])
                case .rename:
                    let c = try management.rename(
                        certificateID: id, name: form["name"] ?? "", description: form["description"] ?? "", by: principal)
                    return (details, "Saved: \(c.name).", ["name": c.name, "description": c.description])
                case .moveProject:
                    let c = try management.moveToProject(certificateID: id, project: form["enterprise_project"] ?? "", by: principal)
                    return (details, "Moved to the enterprise project \(c.enterpriseProject).", ["enterprise_project": c.enterpriseProject])
                default:
                    preconditionFailure("\(operation) has no form of fields")
                }
            },
            reshow: { errors in
                let certificate = try context.loadCertificateForPage(id)
                return templates.render(fieldsPage(request, operation, certificate, form: form, errors: errors), "fields")
            })
    }

    // MARK: Orders, messages

    func showOrders(_ request: inout RequestContext) throws -> HTTPResponse {
        let paging = try PageRequest.parse(request.request.query)
        let orders = try management.orders(for: request.principal, offset: paging.offset, limit: paging.limit)
        let pagination = Pagination(total: orders.total, shown: orders.items.count, request: paging) {
            paging.url("/orders", filters: [], page: $0)
        }
        let ownOnly = request.principal.ownerScope(for: .orderList) != .every
        let kinds: [Order.Kind: String] = [.purchase: "Purchase", .renewal: "Renewal", .refund: "Refund"]
        let page = OrdersPage(
            layout: layout(
                title: "Orders", request: request, section: "orders",
                crumbs: [Crumb(title: "SSL Certificate Manager", href: nil), Crumb(title: "Orders", href: nil)], flash: request.flash),
            ownOnly: ownOnly,
            rows: orders.items.map { order in
                OrdersPage.Row(
                    id: order.id, kind: kinds[order.kind] ?? order.kind.rawValue, summary: order.summary,
                    amount: (order.kind == .refund ? "−¥" : "¥") + "\(order.amount)",
                    refunded: order.refunded > 0 ? "¥\(order.refunded)" : nil, count: order.certificateCount,
                    createdAt: Self.formatDateTime(order.createdAt), paidAt: order.paidAt.map(Self.formatDateTime) ?? "–")
            },
            pagination: pagination, emptyMessage: pagination.emptyMessage("No orders yet."))
        return .html(templates.render(page, "orders"))
    }

    func showMessages(_ request: inout RequestContext) throws -> HTTPResponse {
        let paging = try PageRequest.parse(request.request.query)
        let messages = try management.messages(for: request.principal, offset: paging.offset, limit: paging.limit)
        if request.request.wantsJSON {
            return .json([
                "total": messages.total, "page": paging.page, "limit": paging.limit,
                "messages": messages.items.map {
                    [
                        "id": $0.id, "kind": $0.kind, "title": $0.title, "body": $0.body, "certificate_id": $0.certificateID ?? "",
                        "read": $0.readAt != nil,
                    ] as [String: Any]
                }
            ])
        }
        let pagination = Pagination(total: messages.total, shown: messages.items.count, request: paging) {
            paging.url("/messages", filters: [], page: $0)
        }
        let page = MessagesPage(
            layout: layout(
                title: "Messages", request: request, section: "messages",
                crumbs: [Crumb(title: "SSL Certificate Manager", href: nil), Crumb(title: "Messages", href: nil)], flash: request.flash),
            rows: messages.items.map {
                MessagesPage.Row(
                    title: $0.title, body: $0.body, kind: $0.kind, at: Self.formatDateTime($0.createdAt),
                    certificateHref: $0.certificateID.map { "/certificates/\($0)" }, href: "/messages/\($0.id)",
                    unread: $0.readAt == nil)
            },
            pagination: pagination, emptyMessage: pagination.emptyMessage("No messages."))
        return .html(templates.render(page, "messages"))
    }
}

extension WebApp {
    /// The operations this file gives pages to, for `operationsWithPages`.
    static let managementOperations: Set<Certificate.Operation> = Set(confirmedOperations + fieldOperations)
        .union([.reissue, .confirmOperation])
}

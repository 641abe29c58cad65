import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore

extension WebApp {
    /// Buy, Apply, Verify Domain Name, Verify Organization (issue 4).
    func addLifecycleRoutes(_ router: inout Router) {
        router.add("GET", "certificates/buy", action: .certBuy) { try showBuy(&$0) }
        router.add("POST", "certificates/buy", action: .certBuy) { try buy(&$0) }
        router.add("GET", "certificates/:id/apply", action: .certApply) { try showApply(&$0) }
        router.add("POST", "certificates/:id/apply", action: .certApply) { try apply(&$0) }
        router.add("GET", "certificates/:id/verify-domain", action: .certApply) { try showVerify(&$0) }
        router.add("POST", "certificates/:id/verify-domain", action: .certApply) { try verifyNow(&$0) }
        router.add("POST", "certificates/:id/auto-dns", action: .certApply) { try addDNSProofs(&$0) }
        router.add("GET", "certificates/:id/verify-organization", action: .certApply) { try showOrganization(&$0) }
    }

    var lifecycle: LifecycleService { LifecycleService(context: context) }

    // MARK: Buy

    func showBuy(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(templates.render(buyPage(request, form: FormData(pairs: []), errors: .none, quote: nil), "buy"))
    }

    func buy(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let page = request
        let reshow = { (errors: FormErrors) in templates.render(buyPage(page, form: form, errors: errors, quote: nil), "buy") }
        if form["action"] == "quote" {
            do {
                let purchase = try Self.purchase(from: form)
                let quote = "¥\(purchase.unitPrice) per certificate × \(purchase.quantity) = ¥\(purchase.totalPrice)"
                return .html(templates.render(buyPage(page, form: form, errors: .none, quote: quote), "buy"))
            } catch {
                return .html(reshow(FormErrors(error.refusals)), status: 400)
            }
        }
        return try submit(
            request,
            perform: {
                let (order, certificates) = try lifecycle.buy(
                    try Self.purchase(from: form), submissionToken: form["submission_token"], by: request.principal)
                return (
                    "/certificates?status=PAID",
                    "Order \(order.id) paid (¥\(order.amount)): \(certificates.count) certificate\(certificates.count == 1 ? "" : "s") ready to apply for.",
                    ["order_id": order.id, "cert": certificates.map { ["cert_id": $0.id] }]
                )
            },
            reshow: reshow)
    }

    /// The Buy form as a purchase. A catalogue code that is not one of the options is refused on
    /// its field rather than replaced by a default, so nothing is bought that was not chosen. The
    /// primary domain type matters only for multiple domains and is single when absent.
    static func purchase(from form: FormData) throws(RefusalList) -> PurchaseRequest {
        var problems: [Refusal] = []
        func choice<T: RawRepresentable & CaseIterable>(
            _ field: String, _ label: String, absent: T? = nil, parse: (String) -> T?
        ) -> T? where T.RawValue == String {
            let raw = form[field] ?? ""
            if raw.isEmpty, let absent { return absent }
            if let value = parse(raw) { return value }
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(
                .invalid(field, "\(label): \(raw.isEmpty ? "choose one" : "\"\(raw.prefix(40))\" is not an option"); choose one of \(options)."))
            return nil
        }
        // The brand also accepts "DIGICERT" and the display names (`CABrand.init(code:)`).
        let brand = choice("cert_brand", "Certificate authority") { CABrand(code: $0) }
        let type = choice("cert_type", "Certificate type") { CertificateType(rawValue: $0) }
        let domainType = choice("domain_type", "Domain type") { DomainType(rawValue: $0) }
        let primary = choice("primary_domain_type", "Primary domain", absent: .single) { MultiDomainPrimary(rawValue: $0) }
        guard let brand, let type, let domainType, let primary else { throw RefusalList(problems) }
        let tags = (form["tags"] ?? "").split(whereSeparator: \.isNewline).compactMap { line -> (key: String, value: String)? in
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let key = parts.first, !key.isEmpty else { return nil }
            return (key: key, value: parts.count > 1 ? parts[1] : "")
        }
        return PurchaseRequest(
            brand: brand, type: type, domainType: domainType, multiDomainPrimary: primary,
            domainQuantity: domainType == .multiple ? Int(form["domain_numbers"] ?? "") ?? 0 : 1,
            years: Int(form["effective_time"] ?? "") ?? 0, quantity: Int(form["order_number"] ?? "") ?? 0,
            enterpriseProject: (form["enterprise_project"] ?? "").isEmpty ? Certificate.defaultProject : form["enterprise_project"]!,
            tags: tags, agreed: form["agree"] == "on")
    }

    func buyPage(_ request: RequestContext, form: FormData, errors: FormErrors, quote: String?) -> BuyPage {
        let brand = form["cert_brand"] ?? CABrand.digiCert.rawValue
        let domainType = form["domain_type"] ?? DomainType.single.rawValue
        return BuyPage(
            layout: layout(
                title: "Buy SSL Certificate", request: request, section: "certificates",
                crumbs: [Crumb(title: "SSL Certificates", href: "/certificates"), Crumb(title: "Buy", href: nil)]),
            errors: errors,
            brands: Choice.list(CABrand.allCases, selected: brand) { $0.displayName },
            types: Choice.list(CertificateType.allCases, selected: form["cert_type"] ?? CertificateType.ov.rawValue) { $0.displayName },
            domainTypes: Choice.list(DomainType.allCases, selected: domainType) { $0.displayName },
            primaries: Choice.list(MultiDomainPrimary.allCases, selected: form["primary_domain_type"] ?? "primary_single") { $0.displayName },
            years: (1...3).map { Choice(value: String($0), label: $0 == 1 ? "1 year" : "\($0) years", selected: String($0) == (form["effective_time"] ?? "1")) },
            domainQuantity: form["domain_numbers"] ?? "2", quantity: form["order_number"] ?? "1",
            project: form["enterprise_project"] ?? Certificate.defaultProject, tags: form["tags"] ?? "", agreed: form["agree"] == "on",
            catalogue: CertificateType.allCases.map { type in
                BuyPage.TypeInfo(
                    name: type.displayName, securityLevel: type.securityLevel, scenario: type.applicationScenario,
                    browser: type.browserDisplay, duration: type.validationDuration,
                    yearlyPrice: {
                        let price = PriceList.yearlyPrice(brand: CABrand(rawValue: brand) ?? .digiCert, type: type, domainType: DomainType(rawValue: domainType) ?? .single)
                        return price == 0 ? "Free" : "¥\(price)"
                    }())
            },
            quote: quote,
            // A refused or quoted form keeps its token: it has not bought anything yet.
            submissionToken: form["submission_token"] ?? SecureRandom.hex(16))
    }

    // MARK: Apply

    func showApply(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        try check(.apply, on: certificate, now: context.clock.now)
        let form = try lifecycle.applyForm(certificateID: certificate.id, by: request.principal)
        let hasDraft = try context.database.read { try $0.draft(certificateID: certificate.id) } != nil
        return .html(templates.render(try applyPage(request, certificate: certificate, form: form, mailbox: "admin", errors: .none, hasDraft: hasDraft), "apply"))
    }

    func apply(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        let posted = request.request.form
        let form = ApplicationForm(fields: { posted[$0] })
        let mailbox = posted["validation_mailbox"] ?? "admin"
        let reshow = { (errors: FormErrors) in
            try self.templates.render(self.applyPage(request, certificate: certificate, form: form, mailbox: mailbox, errors: errors, hasDraft: false), "apply")
        }
        if posted["action"] == "save" {
            return try submit(
                request,
                perform: {
                    try lifecycle.saveDraft(certificateID: certificate.id, form: form, by: request.principal)
                    return ("/certificates/\(certificate.id)/apply", "Draft saved. It opens here next time; nothing was submitted to the CA.", ["request_info": "draft saved"])
                }, reshow: reshow)
        }
        return try submit(
            request,
            perform: {
                let applied = try lifecycle.apply(
                    certificateID: certificate.id, form: form, options: .init(validationMailbox: mailbox), by: request.principal)
                return (
                    "/certificates/\(applied.id)/verify-domain",
                    "Application submitted. Prove ownership of each domain below; the CA checks as soon as the proof is in place.",
                    ["request_info": "success", "status": applied.status.rawValue]
                )
            }, reshow: reshow)
    }

    func applyPage(
        _ request: RequestContext, certificate: Certificate, form: ApplicationForm, mailbox: String, errors: FormErrors, hasDraft: Bool
    ) throws -> ApplyPage {
        let csrs = try CSRService(context: context).list(limit: 50, by: request.principal).items
        return ApplyPage(
            layout: layout(
                title: "Apply for \(certificate.name)", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Apply"), flash: request.flash),
            errors: errors, certificateID: certificate.id, certificateName: certificate.name, typeSummary: certificate.typeSummary,
            domainTypeLabel: certificate.domainType.displayName, isSingle: certificate.domainType == .single,
            isWildcard: certificate.domainType == .wildcard, isMultiple: certificate.domainType == .multiple,
            primaryWildcard: certificate.multiDomainPrimary == .wildcard, quota: certificate.domainQuota,
            verifiesOrganization: certificate.type.verifiesOrganization, form: form,
            csrSystem: form.csrMode == CSRSource.system.rawValue, csrExisting: form.csrMode == CSRSource.existing.rawValue,
            csrUploaded: form.csrMode == CSRSource.uploaded.rawValue,
            csrChoices: csrs.map { Choice(value: $0.id, label: "\($0.name) — \($0.domainName) (\($0.keyAlgorithm))", selected: $0.id == form.csrID) },
            keyAlgorithms: Choice.list(KeyAlgorithm.allCases, selected: form.keyAlgorithm) { $0.displayName },
            methods: Choice.list(certificate.type.allowedValidationMethods, selected: form.validationMethod) { $0.displayName },
            rootHashes: Choice.list(RootHashAlgorithm.allCases, selected: form.rootHashAlgorithm) { $0.displayName },
            mailboxes: DomainValidation.mailboxNames.map { Choice(value: $0, label: "\($0)@", selected: $0 == mailbox) },
            hasDraft: hasDraft)
    }

    // MARK: Verify

    func showVerify(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        let (validations, zonesHosted) = try context.database.read { store in
            let validations = try store.validations(certificateID: certificate.id)
            let hosted = try validations.contains { try store.dnsZone(containing: $0.dnsHost(domainType: certificate.domainType)) != nil }
            return (validations, hosted)
        }
        let now = context.clock.now
        let canVerify = (try? check(.verifyDomain, on: certificate, now: now)) != nil
        let rows = validations.map { validation in
            let host = domainVerificationName(for: validation.domain, domainType: certificate.domainType)
            return VerifyPage.Row(
                domain: validation.domain, method: validation.method.displayName, isDNS: validation.method == .dns,
                isFile: validation.method == .file, isEmail: validation.method == .email,
                host: validation.dnsHost(domainType: certificate.domainType), recordType: "TXT", value: "\"\(validation.token)\"",
                cnameTarget: validation.cnameTarget, filePath: DomainValidation.filePath,
                fileURL: "http://\(host)\(DomainValidation.filePath)", email: validation.email,
                verified: validation.verifiedAt != nil, verifiedAt: validation.verifiedAt.map(Self.formatDateTime))
        }
        let page = VerifyPage(
            layout: layout(
                title: "Verify Domain Name", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Verify Domain Name"), flash: request.flash),
            certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel, rows: rows,
            holdReason: certificate.holdReason, canVerify: canVerify, canAutoDNS: canVerify && zonesHosted,
            methods: [], inReview: [.checking, .checkingOrg, .issuing].contains(certificate.status))
        return .html(templates.render(page, "verify-domain"))
    }

    func verifyNow(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = request.parameter("id")
        return try submit(
            request,
            perform: {
                let certificate = try CAService(context: context).verifyNow(certificateID: id, by: request.principal)
                let message: String =
                    switch certificate.status {
                    case .checking: certificate.holdReason.map { "The CA holds the certificate: \($0)" }
                        ?? "The CA checked: some domains are not proven yet (a new DNS record is visible to the CA once its TTL has passed)."
                    default: "Domain ownership verified. Status: \(certificate.statusLabel)."
                    }
                return ("/certificates/\(id)/verify-domain", message, ["status": certificate.status.rawValue, "hold_reason": certificate.holdReason ?? ""])
            },
            reshow: { errors in throw Refusal(.invalidInput, errors.list.joined(separator: " ")) })
    }

    func addDNSProofs(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = request.parameter("id")
        return try submit(
            request,
            perform: {
                let hosts = try CAService(context: context).addDNSProofs(certificateID: id, by: request.principal)
                return (
                    "/certificates/\(id)/verify-domain",
                    "TXT records added at \(hosts.joined(separator: ", ")). The CA sees them once their TTL (300 s) has passed.",
                    ["records": hosts]
                )
            },
            reshow: { errors in throw Refusal(.invalidInput, errors.list.joined(separator: " ")) })
    }

    func showOrganization(_ request: inout RequestContext) throws -> HTTPResponse {
        let certificate = try context.loadCertificateForPage(request.parameter("id"))
        let (pending, answered, application) = try context.database.read { store in
            (try store.pendingMail(certificateID: certificate.id, action: .verifyOrganization),
             try store.answeredMail(certificateID: certificate.id, action: .verifyOrganization),
             try store.application(certificateID: certificate.id))
        }
        let page = OrganizationPage(
            layout: layout(
                title: "Verify Organization", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Verify Organization"), flash: request.flash),
            certificateID: certificate.id, name: certificate.name, statusLabel: certificate.statusLabel,
            recipient: application?.applicantEmail ?? "", mailID: (pending ?? answered)?.id, answered: answered != nil)
        return .html(templates.render(page, "verify-organization"))
    }
}

extension ServiceContext {
    /// The certificate a page is about, or the 404 refusal.
    func loadCertificateForPage(_ id: String) throws -> Certificate {
        guard let certificate = try database.read({ try $0.certificate(id: id) }) else {
            throw Refusal(.notFound, "There is no certificate with ID \(id).")
        }
        return certificate
    }
}

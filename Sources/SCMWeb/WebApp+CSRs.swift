import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore

/// The CSR list (RULES.md §4, issue 4 §4): create with a generated key, upload, view, download,
/// rename, delete (a CSR in use is refused by `CSRService.delete` with its reason).
extension WebApp {
    func listCSRs(_ request: inout RequestContext) throws -> HTTPResponse {
        let query = request.request.query
        let name = (query["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard name.count <= 63 else {
            throw Refusal.invalid("name", "The name filter is too long: at most 63 characters.")
        }
        let algorithmText = query["algorithm"] ?? ""
        let algorithm = algorithmText.isEmpty ? nil : KeyAlgorithm(rawValue: algorithmText)
        if !algorithmText.isEmpty && algorithm == nil {
            throw Refusal.invalid(
                "algorithm",
                "Unknown key algorithm \"\(algorithmText.prefix(40))\". Use one of: \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        let paging = try PageRequest.parse(query)
        let result = try CSRService(context: context).list(
            name: name.isEmpty ? nil : name, keyAlgorithm: algorithm?.rawValue, offset: paging.offset, limit: paging.limit,
            by: request.principal)
        let pagination = Pagination(total: result.total, shown: result.items.count, request: paging) {
            paging.url("/csrs", filters: [("name", name), ("algorithm", algorithm?.rawValue ?? "")], page: $0)
        }
        let model = CSRListPage(
            layout: layout(
                title: "CSRs", request: request, section: "csrs",
                crumbs: [
                    Crumb(title: "SSL Certificate Manager", href: "/certificates"), Crumb(title: "CSRs", href: nil),
                ],
                flash: request.flash),
            name: name,
            algorithmOptions: [SelectOption(value: "", label: "All key algorithms", selected: algorithm == nil)]
                + KeyAlgorithm.allCases.map {
                    SelectOption(value: $0.rawValue, label: $0.displayName, selected: $0 == algorithm)
                },
            rows: result.items.map { csr in
                CSRListPage.Row(
                    id: csr.id, name: csr.name, href: "/csrs/\(csr.id)", domain: csr.domainName, sans: csr.sans,
                    keyAlgorithm: Self.keyAlgorithmLabel(csr.keyAlgorithm), usage: Self.usageLabel(csr.usage),
                    hasKey: csr.sealedPrivateKey != nil, created: Self.formatDateTime(csr.createdAt),
                    downloadHref: "/csrs/\(csr.id)/download", deleteAction: "/csrs/\(csr.id)/delete")
            },
            pagination: pagination,
            emptyMessage: pagination.emptyMessage(
                name.isEmpty && algorithm == nil
                    ? "No CSRs yet. Create one, or upload a CSR made elsewhere." : "No CSR matches these filters."))
        return .html(templates.render(model, "csrs"))
    }

    // MARK: Create

    func showNewCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(newCSRForm(request, values: FormData(pairs: []), errors: .none))
    }

    func createCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                var new = CSRService.NewCSR(
                    name: form["name"] ?? "", domainName: form["domain_name"] ?? "", sans: form["sans"] ?? "",
                    keyAlgorithm: form["private_key_algo"] ?? "", usage: form["usage"] ?? "PERSONAL")
                new.companyName = form["company_name"] ?? ""
                new.companyCountry = form["company_country"] ?? ""
                new.companyProvince = form["company_province"] ?? ""
                new.companyCity = form["company_city"] ?? ""
                new.submissionToken = form["submission_token"]
                let csr = try CSRService(context: context).create(new, by: principal)
                return (
                    "/csrs/\(csr.id)", "CSR \(csr.name) created; its private key is kept encrypted.", Self.csrJSON(csr)
                )
            },
            reshow: { errors in newCSRForm(request, values: form, errors: errors) })
    }

    private func newCSRForm(_ request: RequestContext, values: FormData, errors: FormErrors) -> String {
        let algorithm = values["private_key_algo"] ?? KeyAlgorithm.rsa2048.rawValue
        let usage = values["usage"] ?? StoredCSR.Usage.personal.rawValue
        let model = NewCSRPage(
            layout: layout(
                title: "Create CSR", request: request, section: "csrs",
                crumbs: [Crumb(title: "CSRs", href: "/csrs"), Crumb(title: "Create CSR", href: nil)],
                flash: request.flash),
            errors: errors, name: values["name"] ?? "", domainName: values["domain_name"] ?? "",
            sans: values["sans"] ?? "",
            algorithmOptions: KeyAlgorithm.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.displayName, selected: $0.rawValue == algorithm)
            },
            usageOptions: StoredCSR.Usage.allCases.map {
                SelectOption(value: $0.rawValue, label: Self.usageLabel($0), selected: $0.rawValue == usage)
            },
            companyName: values["company_name"] ?? "", companyCountry: values["company_country"] ?? "",
            companyProvince: values["company_province"] ?? "", companyCity: values["company_city"] ?? "",
            submissionToken: values["submission_token"] ?? SecureRandom.hex(16))
        return templates.render(model, "csr-new")
    }

    // MARK: Upload

    func showUploadCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(uploadCSRForm(request, values: FormData(pairs: []), errors: .none))
    }

    func uploadCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let csr = try CSRService(context: context).upload(
                    name: form["name"] ?? "", pem: form["csr"] ?? "", privateKey: form["private_key"], by: principal)
                let note =
                    csr.sealedPrivateKey == nil ? " without a private key" : " with its private key (kept encrypted)"
                return ("/csrs/\(csr.id)", "CSR \(csr.name) uploaded\(note).", Self.csrJSON(csr))
            },
            reshow: { errors in uploadCSRForm(request, values: form, errors: errors) })
    }

    private func uploadCSRForm(_ request: RequestContext, values: FormData, errors: FormErrors) -> String {
        let model = UploadCSRPage(
            layout: layout(
                title: "Upload CSR", request: request, section: "csrs",
                crumbs: [Crumb(title: "CSRs", href: "/csrs"), Crumb(title: "Upload CSR", href: nil)],
                flash: request.flash),
            errors: errors, name: values["name"] ?? "", csr: values["csr"] ?? "")
        return templates.render(model, "csr-upload")
    }

    // MARK: One CSR

    func showCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let csr = try CSRService(context: context).csr(id: request.parameter("id"), by: request.principal)
        return .html(try csrDetails(request, csr: csr, errors: .none))
    }

    func downloadCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let csr = try CSRService(context: context).csr(id: request.parameter("id"), by: request.principal)
        return Self.attachment(csr.pem, contentType: "application/pkcs10", filename: csr.name + ".csr")
    }

    func renameCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let service = CSRService(context: context)
        let csr = try service.csr(id: request.parameter("id"), for: .csrUpdate, by: request.principal)
        let name = request.request.form["name"] ?? ""
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let renamed = try service.rename(id: csr.id, name: name, by: principal)
                return ("/csrs/\(csr.id)", "CSR renamed to \(renamed.name).", Self.csrJSON(renamed))
            },
            reshow: { errors in try csrDetails(request, csr: csr, errors: errors, newName: name) })
    }

    func deleteCSR(_ request: inout RequestContext) throws -> HTTPResponse {
        let service = CSRService(context: context)
        let csr = try service.csr(id: request.parameter("id"), for: .csrDelete, by: request.principal)
        let principal = request.principal
        return try submit(
            request,
            perform: {
                try service.delete(id: csr.id, by: principal)
                return ("/csrs", "CSR \(csr.name) deleted.", [:])
            },
            reshow: { errors in try csrDetails(request, csr: csr, errors: errors) })
    }

    private func csrDetails(_ request: RequestContext, csr: StoredCSR, errors: FormErrors, newName: String? = nil)
        throws -> String
    {
        let usedBy = try context.database.read { try $0.certificatesUsing(csrID: csr.id) }
        var fields: [CSRDetailsPage.Field] = [
            .init(label: "ID", value: csr.id, monospace: true),
            .init(label: "Name", value: csr.name, monospace: false),
            .init(label: "Domain name", value: csr.domainName, monospace: true),
            .init(label: "Key algorithm", value: Self.keyAlgorithmLabel(csr.keyAlgorithm), monospace: false),
            .init(label: "Usage", value: Self.usageLabel(csr.usage), monospace: false),
            .init(
                label: "Private key",
                value: csr.sealedPrivateKey == nil
                    ? "Not held here (uploaded without its key): a certificate applied with this CSR can only be downloaded, never deployed."
                    : "Held here, encrypted with the master key", monospace: false),
        ]
        if csr.usage == .enterprise {
            fields += [
                .init(label: "Company name", value: csr.companyName, monospace: false),
                .init(label: "Country/Region", value: csr.companyCountry, monospace: false),
                .init(label: "Province", value: csr.companyProvince, monospace: false),
                .init(label: "City", value: csr.companyCity, monospace: false),
            ].filter { !$0.value.isEmpty }
        }
        fields += [
            .init(label: "Created", value: Self.formatDateTime(csr.createdAt), monospace: false),
            .init(label: "Updated", value: Self.formatDateTime(csr.updatedAt), monospace: false),
        ]
        let model = CSRDetailsPage(
            layout: layout(
                title: csr.name, request: request, section: "csrs",
                crumbs: [Crumb(title: "CSRs", href: "/csrs"), Crumb(title: csr.name, href: nil)], flash: request.flash),
            errors: errors, id: csr.id, name: csr.name, newName: newName ?? csr.name, fields: fields,
            domains: [csr.domainName] + csr.sans, pem: csr.pem, downloadHref: "/csrs/\(csr.id)/download",
            renameAction: "/csrs/\(csr.id)/rename", deleteAction: "/csrs/\(csr.id)/delete", usedBy: usedBy)
        return templates.render(model, "csr")
    }

    // MARK: Labels and JSON

    static func keyAlgorithmLabel(_ raw: String) -> String { KeyAlgorithm(rawValue: raw)?.displayName ?? raw }

    static func usageLabel(_ usage: StoredCSR.Usage) -> String {
        switch usage {
        case .personal: "Personal"
        case .enterprise: "Enterprise"
        }
    }

    /// The CSR object of scm-v3.md §4.4, for form posts made with `Accept: application/json`.
    static func csrJSON(_ csr: StoredCSR) -> [String: Any] {
        [
            "id": csr.id, "name": csr.name, "domain_name": csr.domainName, "sans": csr.sans.joined(separator: ";"),
            "private_key_algo": csr.keyAlgorithm, "usage": csr.usage.rawValue, "company_name": csr.companyName,
            "company_country": csr.companyCountry, "company_province": csr.companyProvince,
            "company_city": csr.companyCity,
            "create_time": Int64(csr.createdAt.timeIntervalSince1970 * 1000),
            "update_time": Int64(csr.updatedAt.timeIntervalSince1970 * 1000),
        ]
    }
}

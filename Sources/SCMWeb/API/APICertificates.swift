import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore

/// Certificate life-cycle calls (scm-v3.md §4.1, §4.2): each maps the wire fields onto the same
/// SCMService function the dashboard's form calls.
extension WebApp {
    static let listStatuses = ["ALL"] + [
        "PAID", "ISSUED", "CHECKING", "CANCELCHECKING", "UNPASSED", "EXPIRED", "REVOKING", "REVOKED", "UPLOAD", "CHECKING_ORG",
        "ISSUING", "SUPPLEMENTCHECKING",
    ]

    func apiListCertificates(_ context: inout RequestContext) throws -> APIResult {
        var query = CertificateListQuery()
        query.limit = try context.pageLimit(context.queryInt("limit", range: 0...1000))
        query.offset = try context.queryInt("offset", range: 0...Int(Int32.max)) ?? 0
        query.ascending = try context.queryChoice("sort_dir", ["ASC", "DESC"]) == "ASC"
        switch try context.queryChoice("sort_key", ["certExpiredTime", "certStatus", "certUpdateTime"]) {
        case "certExpiredTime": query.sort = .expires
        case "certStatus": query.sort = .status
        default: query.sort = .updated
        }
        if let status = try context.queryChoice("status", Self.listStatuses), status != "ALL" {
            query.status = Certificate.Status(rawValue: status)
        }
        if let project = context.apiQuery["enterprise_project_id"], project != "all" {
            guard project == "0" || APIFormat.isProjectUUID(project) else {
                throw APIError.badRequest("The query parameter enterprise_project_id must be all, 0 or a UUID, not \"\(project)\".")
            }
            query.enterpriseProject = APIFormat.project(fromAPI: project)
        }
        query.deployableOnly = try context.queryBool("deploy_support") ?? false
        // Every certificate here belongs to this tenant and none is shared with it, so both
        // values of owned_by_self select the same certificates; the value is still checked.
        _ = try context.queryBool("owned_by_self")
        query.expiredDaysSince = try context.queryInt("expired_days_since", range: 0...36_500)
        let keyword = context.apiQuery["content"] ?? ""
        guard keyword.count <= CertificateListQuery.maximumKeywordLength else {
            throw APIError.badRequest("The query parameter content is longer than \(CertificateListQuery.maximumKeywordLength) characters.")
        }
        query.keyword = keyword
        let page = try certificates.list(query, by: context.principal)
        let now = self.context.clock.now
        return .ok([
            "certificates": .array(page.items.map { APIFormat.listItem($0, now: now, ownerDomainID: nil) }),
            "total_count": .int(Int64(page.total)),
        ])
    }

    func apiShowCertificate(_ context: inout RequestContext) throws -> APIResult {
        let id = context.parameter("certificate_id")
        let details = try certificates.details(id: id, by: context.principal)
        let validations = try self.context.database.read { try $0.validations(certificateID: id) }
        let pem = details.materials?.certificatePEM ?? ""
        let fingerprint = pem.isEmpty ? "" : ((try? X509.parse(pem: pem))?.fingerprintSHA1 ?? "")
        return .ok(APIFormat.details(details, validations: validations, fingerprintSHA1: fingerprint, now: self.context.clock.now))
    }

    func apiBuy(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let brandCode = try body.requiredString("cert_brand")
        let typeCode = try body.requiredString("cert_type")
        let domainTypeCode = try body.requiredString("domain_type")
        let years = try body.requiredInt("effective_time")
        let domains = try body.requiredInt("domain_numbers")
        let quantity = try body.requiredInt("order_number")
        let agreed = try body.requiredBool("agree_privacy_protection")
        guard let brand = CABrand(rawValue: brandCode) else {
            throw APIError.badRequest("cert_brand must be one of \(CABrand.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(brandCode)\".")
        }
        guard let type = CertificateType(rawValue: typeCode) else {
            throw APIError.badRequest("cert_type must be one of \(CertificateType.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(typeCode)\".")
        }
        guard let domainType = DomainType(rawValue: domainTypeCode) else {
            throw APIError.badRequest("domain_type must be SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD, not \"\(domainTypeCode)\".")
        }
        var primary = MultiDomainPrimary.single
        switch try body.string("primary_domain_type") {
        case nil, "SINGLE_DOMAIN": primary = .single
        case "WILDCARD_DOMAIN": primary = .wildcard
        case let other?: throw APIError.badRequest("primary_domain_type must be SINGLE_DOMAIN or WILDCARD_DOMAIN, not \"\(other)\".")
        }
        // Payment is simulated and always immediate; these fields are checked for their type only.
        _ = try body.int("single_domain_number")
        _ = try body.int("wildcard_domain_number")
        _ = try body.bool("is_auto_pay")
        _ = try body.string("order_id")
        let tags = try (body.array("tags") ?? []).map { item -> (key: String, value: String) in
            let tag = try Self.tag(item, what: "Each item of tags")
            return (tag.key, tag.value)
        }
        let purchase = PurchaseRequest(
            brand: brand, type: type, domainType: domainType, multiDomainPrimary: primary, domainQuantity: domains, years: years,
            quantity: quantity, enterpriseProject: APIFormat.project(fromAPI: try body.string("enterprise_project_id") ?? "0"),
            tags: tags, agreed: agreed)
        let (order, bought) = try LifecycleService(context: self.context).buy(purchase, by: context.principal)
        return .ok(["order_id": .string(order.id), "cert": .array(bought.map { ["cert_id": .string($0.id)] })])
    }

    func apiApply(_ context: inout RequestContext) throws -> APIResult {
        let id = context.parameter("certificate_id")
        let body = try context.jsonBody
        let domain = try body.requiredString("domain")
        let applicantName = try body.requiredString("applicant_name")
        let applicantPhone = try body.requiredString("applicant_phone")
        let applicantEmail = try body.requiredString("applicant_email")
        let agreed = try body.requiredBool("agree_privacy_protection")
        let method = try body.requiredString("domain_method")
        _ = try body.bool("auto_dns_auth")
        let csr = try body.string("csr") ?? ""
        let form = ApplicationForm(
            primaryDomain: domain, additionalDomains: try body.string("sans") ?? "",
            csrMode: csr.isEmpty ? CSRSource.system.rawValue : CSRSource.uploaded.rawValue, csrPEM: csr,
            keyAlgorithm: try body.string("key_algorithm") ?? KeyAlgorithm.rsa2048.rawValue, validationMethod: method,
            rootHashAlgorithm: try body.string("ca_hash_algorithm") ?? RootHashAlgorithm.default.rawValue,
            companyName: try body.string("company_name") ?? "", companyUnit: try body.string("company_unit") ?? "",
            country: try body.string("country") ?? "", province: try body.string("company_province") ?? "",
            city: try body.string("company_city") ?? "", applicantName: applicantName, applicantPhone: applicantPhone,
            applicantEmail: applicantEmail, contactName: try body.string("contact_name") ?? "",
            contactPhone: try body.string("contact_phone") ?? "", contactEmail: try body.string("contact_email") ?? "",
            agreed: agreed)
        let certificate = try LifecycleService(context: self.context).apply(certificateID: id, form: form, by: context.principal)
        return .ok([
            "request_info": .string(
                "success: certificate \(certificate.id) is \(certificate.status.rawValue); prove control of \(certificate.allDomains.joined(separator: ", ")) (\(certificate.validationMethod.rawValue)) as show_certificate's authentification lists")
        ])
    }

    func apiCancel(_ context: inout RequestContext) throws -> APIResult {
        let certificate = try ManagementService(context: self.context).withdraw(certificateID: context.parameter("certificate_id"), by: context.principal)
        return .ok(["cert_id": .string(certificate.id), "message": "success"])
    }

    /// Through the API even a free ISSUED certificate may be deleted (RULES.md §3, `channel: .api`).
    func apiDelete(_ context: inout RequestContext) throws -> APIResult {
        try ManagementService(context: self.context).delete(certificateID: context.parameter("certificate_id"), channel: .api, by: context.principal)
        return .noContent
    }

    /// The API call is itself the acknowledgement the console asks for with a checkbox.
    func apiUnsubscribe(_ context: inout RequestContext) throws -> APIResult {
        let refund = try ManagementService(context: self.context).unsubscribe(certificateID: context.parameter("cert_id"), acknowledged: true, by: context.principal)
        return .ok(["unsubscribe_results": .string("success: refund order \(refund.id), ¥\(refund.amount)")])
    }

    func apiImport(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let name = try body.requiredString("name")
        let certificatePEM = try body.requiredString("certificate")
        let privateKey = try body.requiredString("private_key")
        for field in ["enc_certificate", "enc_private_key"] where !(try body.string(field) ?? "").isEmpty {
            throw APIError.badRequest("\(field): SM (national cryptography) dual certificates are not supported by this installation.")
        }
        let certificate = try UploadService(context: self.context).upload(
            name: name, certificatePEM: certificatePEM, chainPEM: try body.string("certificate_chain") ?? "",
            privateKeyPEM: privateKey,
            enterpriseProject: APIFormat.project(fromAPI: try body.string("enterprise_project_id") ?? "0"),
            duplicateCheck: try body.bool("duplicate_check") ?? false, by: context.principal)
        return .ok(["certificate_id": .string(certificate.id)])
    }

    func apiExport(_ context: inout RequestContext) throws -> APIResult {
        let export = try DownloadService(context: self.context).export(id: context.parameter("certificate_id"), by: context.principal)
        return .ok([
            "entire_certificate": .string(export.entireCertificate), "certificate": .string(export.certificate),
            "certificate_chain": .string(export.chain), "private_key": .string(export.privateKey ?? ""),
        ])
    }
}

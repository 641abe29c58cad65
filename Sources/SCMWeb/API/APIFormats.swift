import Foundation
import SCMCore
import SCMService
import SCMStore

/// How the API writes the model (scm-v3.md §1, §4): times, project IDs and certificate objects.
enum APIFormat {
    /// `2021-05-27 16:46:25.0`, UTC; empty when unknown.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.0", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Milliseconds since 1970, as CSR `create_time` (integer) and tag-query times (string).
    static func milliseconds(_ date: Date?) -> Int64 {
        guard let date else { return 0 }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The API's default enterprise project is `"0"`; here it is called `default`.
    static func projectID(_ project: String) -> String { project == Certificate.defaultProject ? "0" : project }

    /// `"0"` → `default`; anything else must be a valid project name (`PurchaseRequest.isValidProject`).
    static func project(fromAPI value: String) -> String { value == "0" ? Certificate.defaultProject : value }

    /// `^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$` (scm-v3.md §1).
    static func isProjectUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isNumber || $0.isLowercase) } }
    }

    static func wildcardCount(_ certificate: Certificate) -> Int {
        switch certificate.domainType {
        case .wildcard: 1
        case .multiple: (certificate.allDomains.filter { $0.hasPrefix("*.") }.count)
        case .single: 0
        }
    }

    /// CertificateDetail of list_certificates (scm-v3.md §4.1 #1).
    static func listItem(_ certificate: Certificate, now: Date, ownerDomainID: String?) -> JSONValue {
        var item: [String: JSONValue] = [
            "id": .string(certificate.id), "name": .string(certificate.name), "domain": .string(certificate.domain),
            "sans": .string(certificate.sans.joined(separator: ";")),
            "signature_algorithm": .string(certificate.signatureAlgorithm),
            "deploy_support": .bool(allowedOperations(for: certificate, now: now, channel: .api).contains(.deploy)),
            "type": .string(certificate.isUploaded ? "" : certificate.type.rawValue),
            "brand": .string(certificate.isUploaded ? "" : certificate.brand.rawValue),
            "expire_time": .string(time(certificate.notAfter)), "domain_type": .string(certificate.domainType.rawValue),
            "validity_period": .int(Int64(certificate.validityYears * 12)), "status": .string(certificate.status.rawValue),
            "domain_count": .int(Int64(certificate.domainQuota)), "wildcard_count": .int(Int64(wildcardCount(certificate))),
            "description": certificate.description.isEmpty ? .null : .string(certificate.description),
            "enterprise_project_id": .string(projectID(certificate.enterpriseProject)),
        ]
        if let ownerDomainID { item["domain_id"] = .string(ownerDomainID) }
        return .object(item)
    }

    /// show_certificate (scm-v3.md §4.1 #2).
    static func details(_ details: CertificateDetails, validations: [DomainValidation], fingerprintSHA1: String, now: Date) -> JSONValue {
        let certificate = details.certificate
        let application = details.application ?? Application()
        let allowed = allowedOperations(for: certificate, now: now, channel: .api)
        let authentification: [JSONValue] = validations.map { validation in
            let (name, type, value): (String, String, String) =
                switch validation.method {
                case .dns: (validation.dnsHost(domainType: certificate.domainType), "TXT", validation.token)
                case .file: (DomainValidation.filePath, "FILE", validation.token)
                case .email: (validation.email, "EMAIL", validation.email)
                }
            return [
                "record_name": .string(name), "record_type": .string(type), "record_value": .string(value),
                "domain": .string(validation.domain),
            ]
        }
        return .object([
            "id": .string(certificate.id), "name": .string(certificate.name), "order_id": .string(certificate.orderID ?? ""),
            "status": .string(certificate.status.rawValue),
            "type": .string(certificate.isUploaded ? "" : certificate.type.rawValue),
            "brand": .string(certificate.isUploaded ? "" : certificate.brand.rawValue),
            "push_support": .string(allowed.contains(.push) ? "true" : "false"),
            "revoke_reason": .string(certificate.revokeReason ?? ""),
            "signature_algorithm": .string(certificate.signatureAlgorithm), "issue_time": .string(time(certificate.issuedAt)),
            "not_before": .string(time(certificate.notBefore)), "not_after": .string(time(certificate.notAfter)),
            "validity_period": .int(Int64(certificate.validityYears * 12)),
            "validation_method": .string(certificate.validationMethod.rawValue),
            "domain_type": .string(certificate.domainType.rawValue),
            "multi_domain_type": .string(certificate.domainType == .multiple ? (certificate.multiDomainPrimary ?? .single).rawValue : ""),
            "domain": .string(certificate.domain), "sans": .string(certificate.sans.joined(separator: ";")),
            "domain_count": .int(Int64(certificate.domainQuota)), "wildcard_count": .int(Int64(wildcardCount(certificate))),
            "fingerprint": .string(fingerprintSHA1), "shared": .bool(false),
            "application_info": [
                "country": .string(application.country), "company_name": .string(application.companyName),
                "company_province": .string(application.province), "company_city": .string(application.city),
                "applicant_name": .string(application.applicantName), "applicant_phone": .string(application.applicantPhone),
                "applicant_email": .string(application.applicantEmail), "contact_name": .string(application.contactName),
                "contact_phone": .string(application.contactPhone), "contact_email": .string(application.contactEmail),
            ],
            "description": .string(certificate.description),
            "enterprise_project_id": .string(projectID(certificate.enterpriseProject)),
            "authentification": .array(authentification),
        ])
    }

    /// The CSR object of scm-v3.md §4.4; `includePEM` false for create_csr's answer.
    static func csr(_ csr: StoredCSR, includePEM: Bool = true) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(csr.id), "name": .string(csr.name), "domain_name": .string(csr.domainName),
            "sans": .string(csr.sans.joined(separator: ";")), "private_key_algo": .string(csr.keyAlgorithm),
            "usage": .string(csr.usage.rawValue), "company_country": .string(csr.companyCountry),
            "company_province": .string(csr.companyProvince), "company_city": .string(csr.companyCity),
            "company_name": .string(csr.companyName), "create_time": .int(milliseconds(csr.createdAt)),
            "update_time": .int(milliseconds(csr.updatedAt)),
        ]
        if includePEM { object["csr"] = .string(csr.pem) }
        return .object(object)
    }
}

extension ApplicationForm {
    /// The form from its fields by `ApplicationField` name — an HTML form or a saved draft —
    /// with the defaults of `init()` for absent fields. The agreement counts as given for
    /// `on` (a checkbox) or `true`.
    public init(fields value: (String) -> String?) {
        self.init(
            primaryDomain: value(ApplicationField.domain) ?? "", additionalDomains: value(ApplicationField.sans) ?? "",
            csrMode: value(ApplicationField.csrMode) ?? CSRSource.system.rawValue, csrID: value(ApplicationField.csrID) ?? "",
            csrPEM: value(ApplicationField.csr) ?? "",
            keyAlgorithm: value(ApplicationField.keyAlgorithm) ?? KeyAlgorithm.rsa2048.rawValue,
            validationMethod: value(ApplicationField.domainMethod) ?? ValidationMethod.dns.rawValue,
            rootHashAlgorithm: value(ApplicationField.caHashAlgorithm) ?? RootHashAlgorithm.default.rawValue,
            companyName: value(ApplicationField.companyName) ?? "", companyUnit: value(ApplicationField.companyUnit) ?? "",
            country: value(ApplicationField.country) ?? "", province: value(ApplicationField.province) ?? "",
            city: value(ApplicationField.city) ?? "", applicantName: value(ApplicationField.applicantName) ?? "",
            applicantPhone: value(ApplicationField.applicantPhone) ?? "",
            applicantEmail: value(ApplicationField.applicantEmail) ?? "", contactName: value(ApplicationField.contactName) ?? "",
            contactPhone: value(ApplicationField.contactPhone) ?? "", contactEmail: value(ApplicationField.contactEmail) ?? "",
            agreed: ["on", "true"].contains(value(ApplicationField.agree) ?? ""))
    }

    /// Every field by `ApplicationField` name except the agreement, which a saved draft does
    /// not keep: it is asked again on submit.
    public var fields: [String: String] {
        [
            ApplicationField.domain: primaryDomain, ApplicationField.sans: additionalDomains,
            ApplicationField.csrMode: csrMode, ApplicationField.csrID: csrID, ApplicationField.csr: csrPEM,
            ApplicationField.keyAlgorithm: keyAlgorithm, ApplicationField.domainMethod: validationMethod,
            ApplicationField.caHashAlgorithm: rootHashAlgorithm, ApplicationField.companyName: companyName,
            ApplicationField.companyUnit: companyUnit, ApplicationField.country: country, ApplicationField.province: province,
            ApplicationField.city: city, ApplicationField.applicantName: applicantName,
            ApplicationField.applicantPhone: applicantPhone, ApplicationField.applicantEmail: applicantEmail,
            ApplicationField.contactName: contactName, ApplicationField.contactPhone: contactPhone,
            ApplicationField.contactEmail: contactEmail,
        ]
    }

    /// Takes the organization and contact details of an earlier application (RULES.md §4: they
    /// are offered again for the next one; auto-renewal applies with the same data).
    public mutating func fillDetails(from application: Application) {
        companyName = application.companyName
        companyUnit = application.companyUnit
        country = application.country
        province = application.province
        city = application.city
        applicantName = application.applicantName
        applicantPhone = application.applicantPhone
        applicantEmail = application.applicantEmail
        contactName = application.contactName
        contactPhone = application.contactPhone
        contactEmail = application.contactEmail
    }
}

import Foundation

/// The names of the application form's fields, used as `Refusal.field` so pages put each message
/// next to its field. They follow the SCM v3 apply body (scm-v3.md §4.1 "apply_certificate"),
/// except `sans` (one domain per line in the form), `csr_mode`/`csr_id` (the form's CSR choice)
/// and `agree` (`agree_privacy_protection` in the API).
public enum ApplicationField {
    public static let domain = "domain"
    public static let sans = "sans"
    public static let csrMode = "csr_mode"
    public static let csrID = "csr_id"
    public static let csr = "csr"
    public static let keyAlgorithm = "key_algorithm"
    public static let domainMethod = "domain_method"
    public static let caHashAlgorithm = "ca_hash_algorithm"
    public static let companyName = "company_name"
    public static let companyUnit = "company_unit"
    public static let country = "country"
    public static let province = "company_province"
    public static let city = "company_city"
    public static let applicantName = "applicant_name"
    public static let applicantPhone = "applicant_phone"
    public static let applicantEmail = "applicant_email"
    public static let contactName = "contact_name"
    public static let contactPhone = "contact_phone"
    public static let contactEmail = "contact_email"
    public static let agree = "agree"
    /// The e-mail address for the notices of an "Add additional domain" request.
    public static let email = "email"
    public static let name = "name"
    public static let description = "description"

    /// The label the form shows for a field, which every refusal message starts with.
    public static func label(for field: String) -> String {
        switch field {
        case domain: "Domain name"
        case sans: "Additional domains"
        case csrMode: "CSR"
        case csrID: "CSR"
        case csr: "CSR"
        case keyAlgorithm: "Key algorithm"
        case domainMethod: "Domain verification method"
        case caHashAlgorithm: "Root certificate hash algorithm"
        case companyName: "Company name"
        case companyUnit: "Department"
        case country: "Country/Region"
        case province: "Province"
        case city: "City"
        case applicantName: "Applicant name"
        case applicantPhone: "Applicant phone"
        case applicantEmail: "Applicant e-mail"
        case contactName: "Technical contact name"
        case contactPhone: "Technical contact phone"
        case contactEmail: "Technical contact e-mail"
        case agree: "Agreement"
        case email: "E-mail address"
        case name: "Certificate name"
        case description: "Description"
        case "zone": "Zone name"
        case "values": "Value"
        case "domain_name": "Domain name"
        default: field
        }
    }
}

/// What the user entered in the Apply (or Reissue) form, as text (RULES.md §4). Choice fields hold
/// the SCM v3 codes (`DNS`, `RSA_2048`, `SHA-256`, …) so the HTML form, the JSON API and the CLI
/// can fill it alike; `validate(_:for:originalCompanyName:)` checks and cleans it.
public struct ApplicationForm: Sendable, Equatable {
    /// The single or wildcard name, or the primary domain of a multiple-domain certificate.
    public var primaryDomain: String
    /// Additional domains of a multiple-domain certificate, one per line (`;` also separates, as
    /// in the API's `sans`).
    public var additionalDomains: String
    /// `system` (the server generates the key), `existing` (a CSR from the CSR list) or `uploaded`.
    public var csrMode: String
    /// The CSR list entry, when `csrMode` is `existing`.
    public var csrID: String
    /// The pasted PEM, when `csrMode` is `uploaded`.
    public var csrPEM: String
    public var keyAlgorithm: String
    public var validationMethod: String
    public var rootHashAlgorithm: String
    public var companyName: String
    public var companyUnit: String
    public var country: String
    public var province: String
    public var city: String
    public var applicantName: String
    public var applicantPhone: String
    public var applicantEmail: String
    public var contactName: String
    public var contactPhone: String
    public var contactEmail: String
    /// The agreement checkbox: privacy statement and authorization to store and use the data.
    public var agreed: Bool

    public init(
        primaryDomain: String = "", additionalDomains: String = "", csrMode: String = CSRSource.system.rawValue,
        csrID: String = "", csrPEM: String = "", keyAlgorithm: String = KeyAlgorithm.rsa2048.rawValue,
        validationMethod: String = ValidationMethod.dns.rawValue,
        rootHashAlgorithm: String = RootHashAlgorithm.default.rawValue, companyName: String = "",
        companyUnit: String = "", country: String = "", province: String = "", city: String = "",
        applicantName: String = "", applicantPhone: String = "", applicantEmail: String = "",
        contactName: String = "", contactPhone: String = "", contactEmail: String = "", agreed: Bool = false
    ) {
        self.primaryDomain = primaryDomain
        self.additionalDomains = additionalDomains
        self.csrMode = csrMode
        self.csrID = csrID
        self.csrPEM = csrPEM
        self.keyAlgorithm = keyAlgorithm
        self.validationMethod = validationMethod
        self.rootHashAlgorithm = rootHashAlgorithm
        self.companyName = companyName
        self.companyUnit = companyUnit
        self.country = country
        self.province = province
        self.city = city
        self.applicantName = applicantName
        self.applicantPhone = applicantPhone
        self.applicantEmail = applicantEmail
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.agreed = agreed
    }
}

/// An application that passed every rule of RULES.md §4, cleaned: domains normalized (lowercase,
/// Punycode), choices typed, text trimmed, the country code uppercased, phone numbers reduced to
/// `+` and digits. Organization fields are empty for the DV family (not collected); technical
/// contact fields are empty when not given.
public struct ValidatedApplication: Sendable, Equatable {
    public var domain: String
    public var sans: [String]
    public var csrSource: CSRSource
    /// Set when `csrSource` is `existing`.
    public var csrID: String?
    /// Set when `csrSource` is `uploaded`.
    public var csrPEM: String?
    /// The key to generate; meaningful only when `csrSource` is `system`.
    public var keyAlgorithm: KeyAlgorithm
    public var validationMethod: ValidationMethod
    public var rootHashAlgorithm: RootHashAlgorithm
    public var companyName: String
    public var companyUnit: String
    public var country: String
    public var province: String
    public var city: String
    public var applicantName: String
    public var applicantPhone: String
    public var applicantEmail: String
    public var contactName: String
    public var contactPhone: String
    public var contactEmail: String

    /// The primary domain first, then the additional ones.
    public var allDomains: [String] { [domain] + sans }
}

extension Certificate {
    /// Takes what an application, the first one or a reissue's, decides for the certificate: its
    /// names, how they are proven, the root's hash algorithm and where the CSR came from.
    /// `keyAlgorithm` is that of the CSR actually used (an uploaded or existing CSR brings its
    /// own key, whatever the form chose).
    public mutating func update(from application: ValidatedApplication, keyAlgorithm: KeyAlgorithm) {
        domain = application.domain
        sans = application.sans
        self.keyAlgorithm = keyAlgorithm
        validationMethod = application.validationMethod
        rootHashAlgorithm = application.rootHashAlgorithm
        csrSource = application.csrSource
        csrID = application.csrID
    }
}

/// Checks an Apply or Reissue form against RULES.md §4 for `certificate` (its CA, type, domain
/// type, multi-domain primary and quota) and returns it cleaned, or throws EVERY field error at
/// once, each `Refusal` with its `field` (`ApplicationField`).
///
/// The certificate's status is not checked here: that is `check(.apply)` / `check(.reissue)`.
/// For an uploaded or existing CSR, the caller fills `primaryDomain`/`additionalDomains` from the
/// CSR's names first; the rules below then apply to them alike.
///
/// Rules, by field:
/// - `domain`/`sans`: single = one domain name without `*`, or a public IPv4 address for the OV
///   family (OV, OV Pro); wildcard = `*.` + domain name, never EV; multiple = a primary (single,
///   or wildcard for "primary wildcard", OV/OV Pro only as at purchase) and at least one additional domain, at most
///   `domainQuota` names in all, wildcard additional entries for OV/OV Pro only, public IPv4
///   entries for the OV family only. No name twice (after normalization). DV family: nothing
///   under `edu`, `gov` or `edu.cn` (code `dvSpecialTLD`). Additional domains only for multiple.
/// - `domain_method`: one of `CertificateType.allowedValidationMethods`; a certificate naming an
///   IP address can be verified only by FILE (scm-v3.md apply_certificate).
/// - `ca_hash_algorithm`: SHA-256 only for the OV and EV families.
/// - `company_name`, `country` (two letters), `company_province`, `company_city`: required for the
///   OV and EV families, each at most 63 characters (`company_unit` optional, 63); for a renewal
///   (`originalCompanyName` given) the company name must equal the original's.
/// - `applicant_name`: 4–100 UTF-8 bytes of letters (any script), spaces and `_ - , .`;
///   `applicant_phone`: 5–20 digits with an optional leading `+` and spaces, hyphens, dots or
///   parentheses; `applicant_email`: a valid address. Technical contact fields optional, checked
///   like the applicant's when given (`contact_name` at most 63 characters).
/// - `agree`: must be checked.
public func validate(
    _ form: ApplicationForm, for certificate: Certificate, originalCompanyName: String? = nil
) throws(RefusalList) -> ValidatedApplication {
    var errors: [Refusal] = []
    let family = certificate.type.family
    func record<T>(_ body: () throws(Refusal) -> T) -> T? {
        do throws(Refusal) { return try body() } catch {
            errors.append(error)
            return nil
        }
    }

    // Domains
    let domains = ApplicationRules.domains(form, for: certificate, errors: &errors)
    let namesIP = domains.all.contains(where: DomainName.isIPv4)

    // CSR
    let csrSource = record { () throws(Refusal) in try ApplicationRules.csrSource(form.csrMode) }
    var csrID: String?
    var csrPEM: String?
    var keyAlgorithm = KeyAlgorithm.rsa2048
    switch csrSource {
    case .system:
        keyAlgorithm =
            record { () throws(Refusal) in
                try ApplicationRules.choice(
                    form.keyAlgorithm, field: ApplicationField.keyAlgorithm, KeyAlgorithm.self,
                    displayName: \.displayName)
            } ?? .rsa2048
    case .existing:
        csrID = record { () throws(Refusal) in try ApplicationRules.csrID(form.csrID) }
    case .uploaded:
        csrPEM = record { () throws(Refusal) in try ApplicationRules.csrPEM(form.csrPEM) }
    case nil:
        break
    }

    // Verification method
    let method = record { () throws(Refusal) -> ValidationMethod in
        try validateValidationMethod(form.validationMethod, namesIP: namesIP, for: certificate)
    }

    // Root certificate hash algorithm
    let rootHash = record { () throws(Refusal) -> RootHashAlgorithm in
        let hash = try ApplicationRules.choice(
            form.rootHashAlgorithm, field: ApplicationField.caHashAlgorithm, RootHashAlgorithm.self,
            displayName: \.displayName)
        if hash == .sha256 && family == .dv {
            throw .invalid(
                ApplicationField.caHashAlgorithm,
                "\(ApplicationField.label(for: ApplicationField.caHashAlgorithm)): SHA-256 is available only for OV and EV certificates; choose Default."
            )
        }
        return hash
    }

    // Organization (OV and EV families)
    var company = (name: "", unit: "", country: "", province: "", city: "")
    if family != .dv {
        company.name =
            record { () throws(Refusal) in
                let name = try ApplicationRules.text(
                    form.companyName, field: ApplicationField.companyName, required: true)
                if let original = originalCompanyName?.trimmingCharacters(in: .whitespacesAndNewlines), name != original
                {
                    throw .invalid(
                        ApplicationField.companyName,
                        "Company name: a renewal keeps the original certificate's company name \(quoted(original)); it cannot be changed to \(quoted(name))."
                    )
                }
                return name
            } ?? ""
        company.unit =
            record { () throws(Refusal) in
                try ApplicationRules.text(form.companyUnit, field: ApplicationField.companyUnit, required: false)
            } ?? ""
        company.country = record { () throws(Refusal) in try ApplicationRules.country(form.country) } ?? ""
        company.province =
            record { () throws(Refusal) in
                try ApplicationRules.text(form.province, field: ApplicationField.province, required: true)
            } ?? ""
        company.city =
            record { () throws(Refusal) in
                try ApplicationRules.text(form.city, field: ApplicationField.city, required: true)
            } ?? ""
    } else if !form.country.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        // A DV certificate names no organization, but a country sent anyway must still be one.
        _ = record { () throws(Refusal) in try ApplicationRules.country(form.country) }
    }

    // Applicant and technical contact
    let applicantName = record { () throws(Refusal) in try ApplicationRules.applicantName(form.applicantName) } ?? ""
    let applicantPhone =
        record { () throws(Refusal) in
            try ApplicationRules.phone(form.applicantPhone, field: ApplicationField.applicantPhone, required: true)
        } ?? ""
    let applicantEmail =
        record { () throws(Refusal) in
            try ApplicationRules.email(form.applicantEmail, field: ApplicationField.applicantEmail, required: true)
        } ?? ""
    let contactName =
        record { () throws(Refusal) in
            try ApplicationRules.text(form.contactName, field: ApplicationField.contactName, required: false)
        } ?? ""
    let contactPhone =
        record { () throws(Refusal) in
            try ApplicationRules.phone(form.contactPhone, field: ApplicationField.contactPhone, required: false)
        } ?? ""
    let contactEmail =
        record { () throws(Refusal) in
            try ApplicationRules.email(form.contactEmail, field: ApplicationField.contactEmail, required: false)
        } ?? ""

    if !form.agreed {
        errors.append(
            .invalid(
                ApplicationField.agree,
                "Agreement: tick the box to agree to the privacy statement and to authorize storing and using these data; an application cannot be submitted without it."
            ))
    }

    guard errors.isEmpty, let primary = domains.primary, let csrSource, let method, let rootHash else {
        throw RefusalList(errors)
    }
    return ValidatedApplication(
        domain: primary, sans: domains.sans, csrSource: csrSource, csrID: csrID, csrPEM: csrPEM,
        keyAlgorithm: keyAlgorithm, validationMethod: method, rootHashAlgorithm: rootHash,
        companyName: company.name, companyUnit: company.unit, country: company.country,
        province: company.province, city: company.city, applicantName: applicantName,
        applicantPhone: applicantPhone, applicantEmail: applicantEmail, contactName: contactName,
        contactPhone: contactPhone, contactEmail: contactEmail)
}

/// The new names of an "Add additional domain" request (RULES.md §3) and the address for its
/// notices, cleaned.
public struct DomainAddition: Sendable, Equatable {
    public var domains: [String]
    public var email: String
}

/// Checks an "Add additional domain" request for a multiple-domain `certificate`: at least one new
/// name (one per line), each following the additional-domain rules of
/// `validate(_:for:originalCompanyName:)`, none already on the certificate nor given twice, and
/// the certificate's names plus the new ones at most `domainQuota`; plus a valid e-mail address
/// for the notices (field `email`). Throws every error at once. The status is `check(.addDomains)`'s.
public func validateDomainAddition(
    _ text: String, email: String, for certificate: Certificate
) throws(RefusalList) -> DomainAddition {
    var errors: [Refusal] = []
    let field = ApplicationField.sans
    let label = ApplicationField.label(for: field)
    let lines = ApplicationRules.lines(text)
    var seen = Set(certificate.allDomains)
    var added: [String] = []
    if lines.isEmpty {
        errors.append(.invalid(field, "\(label): enter at least one domain name to add, one per line."))
    }
    for line in lines {
        do throws(Refusal) {
            let name = try ApplicationRules.entry(line, field: field, kind: .additional, for: certificate)
            if seen.contains(name) {
                let already =
                    certificate.allDomains.contains(name) ? "is already on this certificate" : "appears more than once"
                errors.append(
                    .invalid(field, "\(label): \(quoted(name)) \(already); each domain name may appear only once."))
            } else {
                seen.insert(name)
                added.append(name)
            }
        } catch {
            errors.append(error)
        }
    }
    let total = certificate.allDomains.count + lines.count
    if total > certificate.domainQuota {
        let free = max(0, certificate.domainQuota - certificate.allDomains.count)
        errors.append(
            .invalid(
                field,
                "\(label): this certificate was bought for \(certificate.domainQuota) domain names and already holds \(certificate.allDomains.count), so at most \(free) can be added; you entered \(lines.count)."
            ))
    }
    var cleanEmail = ""
    do throws(Refusal) {
        cleanEmail = try ApplicationRules.email(email, field: ApplicationField.email, required: true)
    } catch {
        errors.append(error)
    }
    guard errors.isEmpty else { throw RefusalList(errors) }
    return DomainAddition(domains: added, email: cleanEmail)
}

/// The rules behind `validate`, one per field; each throws the refusal for its field.
/// The verification method of an application, or of a change of method while CHECKING
/// (RULES.md §4–§5): a certificate naming an IP address is verified only by File; otherwise the
/// certificate type's methods (E-mail only for OV and EV).
public func validateValidationMethod(_ raw: String, namesIP: Bool, for certificate: Certificate) throws(Refusal)
    -> ValidationMethod
{
    let method = try ApplicationRules.choice(
        raw, field: ApplicationField.domainMethod, ValidationMethod.self, displayName: \.displayName)
    let label = ApplicationField.label(for: ApplicationField.domainMethod)
    if namesIP {
        guard method == .file else {
            throw .invalid(
                ApplicationField.domainMethod,
                "\(label): a certificate for an IP address can be verified only by File, not by \(method.displayName)."
            )
        }
    } else if !certificate.type.allowedValidationMethods.contains(method) {
        let allowed = certificate.type.allowedValidationMethods.map(\.displayName).joined(separator: ", ")
        throw .invalid(
            ApplicationField.domainMethod,
            "\(label): \(method.displayName) verification is available only for OV and EV certificates; a \(certificate.type.displayName) certificate can use \(allowed)."
        )
    }
    return method
}

enum ApplicationRules {
    static let maximumTextLength = 63

    enum EntryKind { case single, wildcard, additional }

    /// Non-empty trimmed entries of a one-per-line (or `;`-separated) list.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isNewline || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    static func domains(
        _ form: ApplicationForm, for c: Certificate, errors: inout [Refusal]
    ) -> (primary: String?, sans: [String], all: [String]) {
        let sansLabel = ApplicationField.label(for: ApplicationField.sans)
        let primaryKind: EntryKind =
            switch c.domainType {
            case .single: .single
            case .wildcard: .wildcard
            case .multiple: c.multiDomainPrimary == .wildcard ? .wildcard : .single
            }
        var primary: String?
        do throws(Refusal) {
            primary = try entry(form.primaryDomain, field: ApplicationField.domain, kind: primaryKind, for: c)
        } catch {
            errors.append(error)
        }

        let lines = lines(form.additionalDomains)
        var sans: [String] = []
        switch c.domainType {
        case .single, .wildcard:
            if !lines.isEmpty {
                errors.append(
                    .invalid(
                        ApplicationField.sans,
                        "\(sansLabel): only multiple-domain certificates take additional domains; this is a \(c.domainType.displayName.lowercased()) certificate."
                    ))
            }
        case .multiple:
            if lines.isEmpty {
                errors.append(
                    .invalid(
                        ApplicationField.sans,
                        "\(sansLabel): a multiple-domain certificate needs at least one additional domain, one per line."
                    ))
            }
            var seen = Set(primary.map { [$0] } ?? [])
            var reported = Set<String>()
            for line in lines {
                do throws(Refusal) {
                    let name = try entry(line, field: ApplicationField.sans, kind: .additional, for: c)
                    if seen.contains(name) {
                        if reported.insert(name).inserted {
                            let what = name == primary ? "is already the primary domain" : "appears more than once"
                            errors.append(
                                .invalid(
                                    ApplicationField.sans,
                                    "\(sansLabel): \(quoted(name)) \(what); each domain name may appear only once in an application."
                                ))
                        }
                    } else {
                        seen.insert(name)
                        sans.append(name)
                    }
                } catch {
                    errors.append(error)
                }
            }
            let total = 1 + lines.count
            if total > c.domainQuota {
                errors.append(
                    .invalid(
                        ApplicationField.sans,
                        "\(sansLabel): this certificate was bought for \(c.domainQuota) domain names, but the primary domain and \(lines.count) additional domains make \(total); remove \(total - c.domainQuota)."
                    ))
            }
        }
        return (primary, sans, (primary.map { [$0] } ?? []) + sans)
    }

    /// One domain entry: an IPv4 address (OV family, public only) or a domain name normalized by
    /// `DomainName.normalize`, wildcard only where `kind` and the type allow it, and no special TLD
    /// for the DV family.
    static func entry(_ raw: String, field: String, kind: EntryKind, for c: Certificate) throws(Refusal) -> String {
        let label = ApplicationField.label(for: field)
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = quoted(trimmed)
        func refuse(_ sentence: String) -> Refusal { .invalid(field, "\(label): \(sentence)") }

        if DomainName.isIPv4(trimmed) {
            guard kind != .wildcard else {
                throw refuse(
                    "\(shown) is an IP address; a wildcard domain must be '*.' followed by a domain name, like '*.example.com'."
                )
            }
            guard c.type.family == .ov else {
                throw refuse(
                    "\(shown) is an IP address; certificates for IP addresses are available only for OV and OV Pro, not \(c.type.displayName)."
                )
            }
            if let range = DomainName.reservedIPv4Range(trimmed) {
                throw refuse("\(shown) is in \(range); a certificate can name only a public IP address.")
            }
            return trimmed
        }

        let name: String
        switch kind {
        case .wildcard:
            guard c.type.allowsWildcard else {
                throw refuse(
                    "\(c.type.displayName) certificates cannot be wildcard (CA/Browser Forum rule); \(shown) cannot be used."
                )
            }
            if c.domainType == .multiple && !c.type.allowsWildcardEntryInMultiDomain {
                throw refuse(
                    "a wildcard primary domain in a multiple-domain certificate is available only for OV and OV Pro, not \(c.type.displayName); \(shown) cannot be used."
                )
            }
            guard trimmed.hasPrefix("*.") else {
                throw refuse(
                    "\(trimmed.isEmpty ? "enter the wildcard domain;" : "\(shown) is not a wildcard name;") a wildcard domain must be '*.' followed by a domain name, like '*.example.com'."
                )
            }
            name = try DomainName.normalize(trimmed, allowWildcard: true, field: field)
        case .single:
            if trimmed.hasPrefix("*.") {
                let what =
                    c.domainType == .multiple
                    ? "this certificate's primary domain is a single domain" : "this is a single-domain certificate"
                throw refuse(
                    "\(shown) is a wildcard name, but \(what); enter one name like 'www.example.com'.")
            }
            name = try DomainName.normalize(trimmed, allowWildcard: false, field: field)
        case .additional:
            if trimmed.hasPrefix("*.") && !c.type.allowsWildcardEntryInMultiDomain {
                throw refuse(
                    "\(shown) is a wildcard name; wildcard entries in a multiple-domain certificate are allowed only for OV and OV Pro, not \(c.type.displayName)."
                )
            }
            name = try DomainName.normalize(trimmed, allowWildcard: true, field: field)
        }
        if c.type.family == .dv && DomainName.isSpecialTLD(name) {
            let tld = DomainName.specialTLDs.filter { name.hasSuffix("." + $0) }.max(by: { $0.count < $1.count }) ?? ""
            throw Refusal(
                .dvSpecialTLD,
                "\(label): \(quoted(name)) is under the special top-level domain .\(tld); DV certificates cannot be issued for .edu, .gov or .edu.cn, so choose an OV or EV certificate.",
                field: field)
        }
        return name
    }

    /// Parses a choice by its code (case-insensitively) or its display name.
    static func choice<T: RawRepresentable & CaseIterable>(
        _ raw: String, field: String, _ type: T.Type, displayName: (T) -> String
    ) throws(Refusal) -> T where T.RawValue == String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let folded = value.uppercased()
        if let match = T.allCases.first(where: {
            $0.rawValue.uppercased() == folded || displayName($0).uppercased() == folded
        }) {
            return match
        }
        let options = T.allCases.map(displayName).joined(separator: ", ")
        throw .invalid(
            field,
            "\(ApplicationField.label(for: field)): \(value.isEmpty ? "choose one" : "\(quoted(value)) is not an option"); choose one of \(options)."
        )
    }

    static func csrSource(_ raw: String) throws(Refusal) -> CSRSource {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let source = CSRSource(rawValue: value) else {
            throw .invalid(
                ApplicationField.csrMode,
                "CSR: choose how the CSR is made: generated by the system, an existing CSR from the CSR list, or an uploaded CSR."
            )
        }
        return source
    }

    static func csrID(_ raw: String) throws(Refusal) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .invalid(ApplicationField.csrID, "CSR: choose a CSR from the CSR list.")
        }
        guard value.count <= 64,
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw .invalid(
                ApplicationField.csrID, "CSR: \(quoted(value)) is not a CSR of the CSR list; choose one from the list.")
        }
        return value
    }

    static let maximumPEMLength = 65_536

    static func csrPEM(_ raw: String) throws(Refusal) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .invalid(
                ApplicationField.csr, "CSR: paste the certificate signing request in PEM form, or upload its file.")
        }
        guard value.count <= maximumPEMLength else {
            throw .invalid(
                ApplicationField.csr, "CSR: the text is \(value.count) characters long; a CSR is at most 64 KiB of PEM."
            )
        }
        let looksLikePEM =
            (value.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----")
                && value.hasSuffix("-----END CERTIFICATE REQUEST-----"))
            || (value.hasPrefix("-----BEGIN NEW CERTIFICATE REQUEST-----")
                && value.hasSuffix("-----END NEW CERTIFICATE REQUEST-----"))
        guard looksLikePEM else {
            throw .invalid(
                ApplicationField.csr,
                "CSR: this is not a PEM certificate signing request; it must begin with '-----BEGIN CERTIFICATE REQUEST-----' and end with '-----END CERTIFICATE REQUEST-----'."
            )
        }
        return value
    }

    /// Free text on one line, at most 63 characters.
    static func text(_ raw: String, field: String, required: Bool) throws(Refusal) -> String {
        let label = ApplicationField.label(for: field)
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            if required {
                throw .invalid(
                    field, "\(label): required for OV and EV certificates; enter it as on the business licence.")
            }
            return ""
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(field, "\(label): must be one line of text without control characters.")
        }
        guard value.count <= maximumTextLength else {
            throw .invalid(
                field, "\(label): \(value.count) characters is too long; at most \(maximumTextLength) are allowed.")
        }
        return value
    }

    static func country(_ raw: String) throws(Refusal) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .invalid(
                ApplicationField.country,
                "Country/Region: required for OV and EV certificates; enter the two-letter country code, such as 'CN' or 'US'."
            )
        }
        guard let code = CountryCode.normalized(value) else {
            throw .invalid(
                ApplicationField.country,
                "Country/Region: \(quoted(value)) is not an ISO 3166-1 alpha-2 country code; enter two letters, such as 'CN' or 'US'."
            )
        }
        return code
    }

    static func applicantName(_ raw: String) throws(Refusal) -> String {
        let field = ApplicationField.applicantName
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw .invalid(field, "Applicant name: enter the applicant's name.") }
        if let bad = value.unicodeScalars.first(where: { !isNameScalar($0) }) {
            throw .invalid(
                field,
                "Applicant name: \(quoted(value)) contains \(quoted(String(Character(bad)))); use only letters, spaces and _ - , ."
            )
        }
        let bytes = value.utf8.count
        guard (4...100).contains(bytes) else {
            throw .invalid(
                field,
                "Applicant name: \(quoted(value)) is \(bytes) bytes; a name must be 4 to 100 bytes long (a Chinese character counts as 3)."
            )
        }
        return value
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "_", "-", ",", ".": return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// `+` (optional, first) and 5–20 digits, with spaces, hyphens, dots or parentheses between;
    /// cleaned to `+` and digits.
    static func phone(_ raw: String, field: String, required: Bool) throws(Refusal) -> String {
        let label = ApplicationField.label(for: field)
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            if required { throw .invalid(field, "\(label): enter a phone number of 5 to 20 digits.") }
            return ""
        }
        let plus = value.hasPrefix("+")
        let body = plus ? value.dropFirst() : Substring(value)
        let digits = body.filter { $0.isASCII && $0.isNumber }
        let valid =
            body.allSatisfy { ($0.isASCII && $0.isNumber) || " -.()".contains($0) } && (5...20).contains(digits.count)
        guard valid else {
            throw .invalid(
                field,
                "\(label): \(quoted(value)) is not a phone number; use 5 to 20 digits, optionally starting with + and separated by spaces or hyphens."
            )
        }
        return (plus ? "+" : "") + digits
    }

    private static let localPartSymbols = Set("!#$%&'*+/=?^_`{|}~-")

    /// `local@domain`: a dot-atom local part of at most 64 characters (RFC 5322 §3.4.1) and a domain
    /// name accepted by `DomainName.normalize` (converted to Punycode); at most 254 characters.
    static func email(_ raw: String, field: String, required: Bool) throws(Refusal) -> String {
        let label = ApplicationField.label(for: field)
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            if required { throw .invalid(field, "\(label): enter an e-mail address, like 'name@example.com'.") }
            return ""
        }
        func refuse(_ why: String) -> Refusal {
            .invalid(
                field,
                "\(label): \(quoted(value)) is not a valid e-mail address (\(why)); enter one like 'name@example.com'.")
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse(parts.count < 2 ? "it has no '@'" : "it has more than one '@'") }
        let local = String(parts[0])
        guard !local.isEmpty, local.count <= 64 else {
            throw refuse(local.isEmpty ? "nothing before the '@'" : "more than 64 characters before the '@'")
        }
        guard
            local.allSatisfy({
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || localPartSymbols.contains($0))
            })
        else {
            throw refuse(
                "the part before the '@' may contain only letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ -")
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw refuse("the part before the '@' cannot start or end with a dot or hold two dots in a row")
        }
        let domain: String
        do throws(Refusal) {
            domain = try DomainName.normalize(String(parts[1]), allowWildcard: false, field: field)
        } catch {
            throw refuse("the part after the '@' is not a domain name")
        }
        let address = local + "@" + domain
        guard address.count <= 254 else { throw refuse("longer than 254 characters") }
        return address
    }
}

extension RootHashAlgorithm {
    public var displayName: String {
        switch self {
        case .default: "Default"
        case .sha256: "SHA-256"
        }
    }
}

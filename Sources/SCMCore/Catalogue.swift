import Foundation

/// What can be bought (RULES.md §1). Raw values are the SCM v3 API codes.

public enum CABrand: String, CaseIterable, Sendable, Codable {
    // DigiCert bought Symantec's CA business; the API has no DIGICERT code (scm-v3.md §3).
    case digiCert = "SYMANTEC"
    case geoTrust = "GEOTRUST"
    case globalSign = "GLOBALSIGN"
    case cfca = "CFCA"
    case trustAsia = "TRUSTASIA"
    case vTrus = "VTRUS"

    public var displayName: String {
        switch self {
        case .digiCert: "DigiCert"
        case .geoTrust: "GeoTrust"
        case .globalSign: "GlobalSign"
        case .cfca: "CFCA"
        case .trustAsia: "TrustAsia"
        case .vTrus: "vTrus"
        }
    }

    /// Reissue is allowed this long after issuance (RULES.md §3).
    public var reissueWindow: TimeInterval {
        switch self {
        case .globalSign: .days(5)
        case .digiCert, .geoTrust, .cfca, .trustAsia, .vTrus: .days(25)
        }
    }

    /// The name a CAA record uses to authorise this CA (RFC 8659 issuer domain name).
    public var caaIssuer: String {
        switch self {
        case .digiCert: "digicert.com"
        case .geoTrust: "geotrust.com"
        case .globalSign: "globalsign.com"
        case .cfca: "cfca.com.cn"
        case .trustAsia: "trustasia.com"
        case .vTrus: "itrus.com.cn"
        }
    }

    /// Organization verification may be reused within 13 months for these brands (RULES.md §5).
    public var reusesOrganizationVerification: Bool { self == .digiCert || self == .geoTrust }

    /// Accepts the API code, the display name, or "DIGICERT", case-insensitively.
    public init?(code: String) {
        let upper = code.uppercased()
        if upper == "DIGICERT" {
            self = .digiCert
            return
        }
        guard let brand = Self.allCases.first(where: { $0.rawValue == upper || $0.displayName.uppercased() == upper })
        else { return nil }
        self = brand
    }
}

public enum CertificateType: String, CaseIterable, Sendable, Codable {
    case dvBasic = "DV_SSL_CERT_BASIC"
    case dv = "DV_SSL_CERT"
    case ov = "OV_SSL_CERT"
    case ovPro = "OV_SSL_CERT_PRO"
    case ev = "EV_SSL_CERT"
    case evPro = "EV_SSL_CERT_PRO"

    public enum Family: String, Sendable { case dv = "DV", ov = "OV", ev = "EV" }

    public var family: Family {
        switch self {
        case .dvBasic, .dv: .dv
        case .ov, .ovPro: .ov
        case .ev, .evPro: .ev
        }
    }

    /// The organization is verified for the OV and EV families (RULES.md §1, §4).
    public var verifiesOrganization: Bool { family != .dv }

    public var displayName: String {
        switch self {
        case .dvBasic: "DV (Basic)"
        case .dv: "DV"
        case .ov: "OV"
        case .ovPro: "OV Pro"
        case .ev: "EV"
        case .evPro: "EV Pro"
        }
    }

    public var securityLevel: String {
        switch self {
        case .dvBasic, .dv: "Basic: encrypts traffic, proves control of the domain"
        case .ov, .ovPro: "High: also proves the organization behind the site"
        case .ev, .evPro: "Highest: extended validation of the organization"
        }
    }

    public var applicationScenario: String {
        switch self {
        case .dvBasic: "Personal sites and tests"
        case .dv: "Personal sites, blogs, small business sites"
        case .ov, .ovPro: "Enterprise sites, APIs, mobile back ends"
        case .ev, .evPro: "Banking, payment, e-commerce and government sites"
        }
    }

    public var browserDisplay: String {
        switch self {
        case .dvBasic, .dv: "Padlock"
        case .ov, .ovPro: "Padlock; organization name in the certificate details"
        case .ev, .evPro: "Padlock; verified organization name in the certificate details"
        }
    }

    public var validationDuration: String {
        switch self.family {
        case .dv: "A few hours to 2 working days after the domain proof"
        case .ov: "3 to 7 working days"
        case .ev: "7 to 10 working days"
        }
    }

    /// "Pro" types sign with stronger algorithms (RULES.md §1).
    public var isPro: Bool { self == .ovPro || self == .evPro }

    /// Nominal CA review time once every proof is in (RULES.md §1, §5), before the demo scale factor.
    public var nominalReviewTime: TimeInterval {
        switch family {
        case .dv: .days(0.25)
        case .ov: .days(3)
        case .ev: .days(7)
        }
    }

    /// EV cannot be wildcard (CA/B rule), neither as a wildcard certificate nor as a wildcard entry.
    public var allowsWildcard: Bool { family != .ev }
    /// A wildcard entry inside a multiple-domain certificate: OV and OV Pro only (RULES.md §4).
    public var allowsWildcardEntryInMultiDomain: Bool { family == .ov }

    public var allowedValidationMethods: [ValidationMethod] {
        family == .dv ? [.dns] : [.dns, .email, .file]
    }
}

public enum DomainType: String, CaseIterable, Sendable, Codable {
    case single = "SINGLE_DOMAIN"
    case multiple = "MULTI_DOMAIN"
    case wildcard = "WILDCARD"

    public var displayName: String {
        switch self {
        case .single: "Single domain"
        case .multiple: "Multiple domains"
        case .wildcard: "Wildcard"
        }
    }
}

/// The primary entry of a multiple-domain certificate (scm-v3.md `multi_domain_type`).
public enum MultiDomainPrimary: String, CaseIterable, Sendable, Codable {
    case single = "primary_single"
    case wildcard = "primary_wildcard"

    public var displayName: String { self == .single ? "Primary single domain" : "Primary wildcard domain" }
}

public enum KeyAlgorithm: String, CaseIterable, Sendable, Codable {
    case rsa2048 = "RSA_2048", rsa3072 = "RSA_3072", rsa4096 = "RSA_4096"
    case ecP256 = "EC_P256", ecP384 = "EC_P384"

    public var displayName: String {
        switch self {
        case .rsa2048: "RSA 2048"
        case .rsa3072: "RSA 3072"
        case .rsa4096: "RSA 4096"
        case .ecP256: "EC P-256"
        case .ecP384: "EC P-384"
        }
    }
}

public enum ValidationMethod: String, CaseIterable, Sendable, Codable {
    case dns = "DNS", file = "FILE", email = "EMAIL"

    public var displayName: String {
        switch self {
        case .dns: "DNS"
        case .file: "File"
        case .email: "E-mail"
        }
    }
}

public enum RootHashAlgorithm: String, CaseIterable, Sendable, Codable {
    case `default` = "DEFAULT", sha256 = "SHA-256"
}

/// How the certificate's CSR was obtained (RULES.md §4): an uploaded CSR leaves no key here.
public enum CSRSource: String, CaseIterable, Sendable, Codable {
    case system, existing, uploaded
}

/// Simulated price list, in CNY. DV (Basic) single domain is the free certificate (RULES.md §1).
public enum PriceList {
    public static func yearlyPrice(brand: CABrand, type: CertificateType, domainType: DomainType) -> Decimal {
        if type == .dvBasic && domainType == .single { return 0 }
        let base: Decimal =
            switch type {
            case .dvBasic: 300
            case .dv: 800
            case .ov: 3_200
            case .ovPro: 4_800
            case .ev: 6_400
            case .evPro: 9_600
            }
        let brandFactor: Decimal =
            switch brand {
            case .digiCert: 1.5
            case .globalSign: 1.3
            case .geoTrust: 1.1
            case .cfca, .trustAsia, .vTrus: 1
            }
        let domainFactor: Decimal =
            switch domainType {
            case .single: 1
            case .multiple: 1
            case .wildcard: 6
            }
        return base * brandFactor * domainFactor
    }

    /// Price of one certificate: per additional domain for multiple-domain purchases.
    public static func price(
        brand: CABrand, type: CertificateType, domainType: DomainType, domains: Int, years: Int
    ) -> Decimal {
        let yearly = yearlyPrice(brand: brand, type: type, domainType: domainType)
        let perDomain = domainType == .multiple ? Decimal(domains) : 1
        return yearly * perDomain * Decimal(years)
    }
}

import Foundation

/// One SSL certificate as the manager holds it: bought here or uploaded, in one status of
/// RULES.md §2. Fields follow the SCM v3 certificate fields (scm-v3.md §4.1) plus what the rules
/// need. Applicant and organization data live apart in `Application`, so that cancelling privacy
/// authorization can erase them.
public struct Certificate: Sendable, Equatable, Identifiable {
    public var id: String
    public var name: String
    public var description: String
    public var brand: CABrand
    public var type: CertificateType
    public var domainType: DomainType
    public var multiDomainPrimary: MultiDomainPrimary?
    /// Domains the certificate can hold: 1, or 2–250 bought up front for multiple domains.
    public var domainQuota: Int
    /// Years bought; each year is one certificate in the validity stack (RULES.md §1).
    public var validityYears: Int
    public var status: Status
    public var origin: Origin
    public var price: Decimal
    public var orderID: String?
    public var enterpriseProject: String
    public var createdAt: Date
    public var updatedAt: Date
    public var paidAt: Date?

    // Application
    /// The primary domain (empty until applied for).
    public var domain: String
    /// Additional domains, in the order given (multiple-domain certificates).
    public var sans: [String]
    public var keyAlgorithm: KeyAlgorithm
    public var validationMethod: ValidationMethod
    public var rootHashAlgorithm: RootHashAlgorithm
    public var csrSource: CSRSource?
    /// The CSR of the CSR list used for this application, if any.
    public var csrID: String?
    public var appliedAt: Date?
    public var privacyCancelled: Bool

    // Issued certificate
    public var signatureAlgorithm: String
    public var serialNumber: String
    public var fingerprintSHA256: String
    public var issuer: String
    public var notBefore: Date?
    public var notAfter: Date?
    public var issuedAt: Date?

    // Life cycle
    public var failReason: String?
    public var revokeReason: String?
    /// The certificate this one renews, and the renewal bought for this one.
    public var renewalOf: String?
    public var renewedBy: String?
    public var autoRenew: Bool
    /// A mail the CA sent and waits to have answered before it goes on (RULES.md §2, §3).
    public var awaitingConfirmation: Confirmation?
    /// When the CA's review of the current step ends (RULES.md §1 review times, scaled).
    public var reviewDueAt: Date?
    /// Why the CA holds the certificate, e.g. a CAA record naming another CA (RULES.md §5).
    public var holdReason: String?
    /// When the organization was last verified (reuse within 13 months, RULES.md §5).
    public var organizationVerifiedAt: Date?
    /// Notification switches (SCM v3 enable/disable notification).
    public var notifyExpiring: Bool
    public var notifyExpired: Bool

    public enum Confirmation: String, Sendable, Codable {
        /// OV/EV revocation: the applicant confirms by e-mail.
        case revocation
        /// Reissue: the CA asks to confirm the cancellation of the old certificate ("Confirm Operation").
        case reissueCancellation
    }

    public enum Origin: String, Sendable, Codable {
        /// Bought here and applied for through the CA simulator.
        case purchased
        /// An external certificate uploaded by the user (status UPLOAD).
        case uploaded
    }

    public init(
        id: String, name: String, brand: CABrand, type: CertificateType, domainType: DomainType,
        domainQuota: Int, validityYears: Int = 1, status: Status = .paid, origin: Origin = .purchased,
        price: Decimal = 0, enterpriseProject: String = Certificate.defaultProject, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.description = ""
        self.brand = brand
        self.type = type
        self.domainType = domainType
        self.multiDomainPrimary = domainType == .multiple ? .single : nil
        self.domainQuota = domainQuota
        self.validityYears = validityYears
        self.status = status
        self.origin = origin
        self.price = price
        self.enterpriseProject = enterpriseProject
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.paidAt = origin == .purchased ? createdAt : nil
        self.domain = ""
        self.sans = []
        self.keyAlgorithm = .rsa2048
        self.validationMethod = .dns
        self.rootHashAlgorithm = .default
        self.privacyCancelled = false
        self.signatureAlgorithm = ""
        self.serialNumber = ""
        self.fingerprintSHA256 = ""
        self.issuer = ""
        self.autoRenew = false
        self.notifyExpiring = true
        self.notifyExpired = true
    }

    public static let defaultProject = "default"

    /// DV (Basic) bought at price 0 (RULES.md §1 decision).
    public var isFree: Bool { origin == .purchased && price == 0 }
    public var isUploaded: Bool { origin == .uploaded }

    /// Every name the certificate covers: the primary domain first, then the additional ones.
    public var allDomains: [String] { domain.isEmpty ? sans : [domain] + sans }

    /// "DigiCert (1 year) OV", as the list's type column shows it.
    public var typeSummary: String {
        if isUploaded { return "Uploaded certificate" }
        let years = validityYears == 1 ? "1 year" : "\(validityYears) years"
        return "\(brand.displayName) (\(years)) \(type.displayName)"
    }
}

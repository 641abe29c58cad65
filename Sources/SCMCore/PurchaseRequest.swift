import Foundation

/// What the Buy page (and `POST /v3/scm/certificates/buy`) asks for (RULES.md §1).
public struct PurchaseRequest: Sendable, Equatable {
    public var brand: CABrand
    public var type: CertificateType
    public var domainType: DomainType
    public var multiDomainPrimary: MultiDomainPrimary
    /// Domains per certificate: 1, or 2–250 for multiple domains.
    public var domainQuantity: Int
    /// Years of validity: a stack of yearly certificates (RULES.md §1).
    public var years: Int
    /// How many certificates to buy.
    public var quantity: Int
    public var enterpriseProject: String
    public var tags: [(key: String, value: String)]
    public var agreed: Bool

    public init(
        brand: CABrand, type: CertificateType, domainType: DomainType, multiDomainPrimary: MultiDomainPrimary = .single,
        domainQuantity: Int = 1, years: Int = 1, quantity: Int = 1, enterpriseProject: String = Certificate.defaultProject,
        tags: [(key: String, value: String)] = [], agreed: Bool
    ) {
        self.brand = brand
        self.type = type
        self.domainType = domainType
        self.multiDomainPrimary = multiDomainPrimary
        self.domainQuantity = domainQuantity
        self.years = years
        self.quantity = quantity
        self.enterpriseProject = enterpriseProject
        self.tags = tags
        self.agreed = agreed
    }

    public static func == (lhs: PurchaseRequest, rhs: PurchaseRequest) -> Bool {
        lhs.brand == rhs.brand && lhs.type == rhs.type && lhs.domainType == rhs.domainType
            && lhs.multiDomainPrimary == rhs.multiDomainPrimary && lhs.domainQuantity == rhs.domainQuantity
            && lhs.years == rhs.years && lhs.quantity == rhs.quantity && lhs.enterpriseProject == rhs.enterpriseProject
            && lhs.agreed == rhs.agreed && lhs.tags.map(\.key) == rhs.tags.map(\.key) && lhs.tags.map(\.value) == rhs.tags.map(\.value)
    }

    public static let domainQuantityRange = 2...250
    public static let quantityRange = 1...100
    public static let yearsRange = 1...3

    /// Price of one certificate of this purchase.
    public var unitPrice: Decimal {
        PriceList.price(brand: brand, type: type, domainType: domainType, domains: domainQuantity, years: years)
    }

    public var totalPrice: Decimal { unitPrice * Decimal(quantity) }

    /// Every rule of the purchase at once, each refusal naming its field.
    public func validate() throws(RefusalList) {
        var problems: [Refusal] = []
        if domainType == .wildcard && !type.allowsWildcard {
            problems.append(.invalid("domain_type", "\(type.displayName) certificates cannot be wildcard (CA/Browser Forum rule)."))
        }
        if domainType == .multiple && multiDomainPrimary == .wildcard && !type.allowsWildcardEntryInMultiDomain {
            problems.append(
                .invalid("primary_domain_type", "A wildcard primary domain in a multiple-domain certificate is available for OV and OV Pro only."))
        }
        let quantityAllowed = domainType == .multiple ? Self.domainQuantityRange : 1...1
        if !quantityAllowed.contains(domainQuantity) {
            problems.append(
                .invalid(
                    "domain_numbers",
                    domainType == .multiple
                        ? "A multiple-domain certificate holds 2 to 250 domain names."
                        : "A \(domainType.displayName.lowercased()) certificate holds exactly 1 domain name."))
        }
        if !Self.yearsRange.contains(years) {
            problems.append(.invalid("effective_time", "The validity is 1, 2 or 3 years."))
        } else if years > 1, PriceList.yearlyPrice(brand: brand, type: type, domainType: domainType) == 0 {
            // The later years of a multi-year purchase are renewals, and a free certificate cannot be renewed (RULES.md §3).
            problems.append(
                .invalid("effective_time", "The free certificate (DV Basic, single domain) is valid for 1 year: a longer validity is for paid certificates."))
        }
        if !Self.quantityRange.contains(quantity) {
            problems.append(.invalid("order_number", "The quantity is 1 to 100 certificates per order."))
        }
        if !Self.isValidProject(enterpriseProject) {
            problems.append(.invalid("enterprise_project", "Enterprise project: 1–64 letters, digits, '-' or '_'."))
        }
        problems += CertificateTag.validate(
            tags.map { CertificateTag(key: $0.key, value: $0.value) }, keyField: "tags", valueField: "tags")
        if !agreed {
            problems.append(.invalid("agree", "Read and agree to the statement before paying."))
        }
        if !problems.isEmpty { throw RefusalList(problems) }
    }

    public static func isValidProject(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

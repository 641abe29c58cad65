import Foundation

/// The cloud products a certificate is deployed or pushed to (RULES.md §8).
public enum CloudProduct: String, Sendable, CaseIterable, Codable {
    case waf = "WAF"
    case elb = "ELB"
    case cdn = "CDN"
    case vod = "VOD"

    public var displayName: String {
        switch self {
        case .waf: "Web Application Firewall"
        case .elb: "Elastic Load Balance"
        case .cdn: "Content Delivery Network"
        case .vod: "Video on Demand"
        }
    }

    /// WAF and ELB keep their resources and certificate stores per region; CDN and VOD are global.
    public var needsRegion: Bool { self == .waf || self == .elb }

    /// The kind of resource a deployment replaces the certificate of.
    public var deployKind: CloudResourceKind {
        switch self {
        case .waf: .wafDomain
        case .elb: .elbCertificate
        case .cdn: .cdnDomain
        case .vod: .vodDomain
        }
    }

    /// The regions of the simulators (at least three, as the issue asks).
    public static let regions = ["cn-north-4", "cn-east-3", "ap-southeast-1"]
}

/// What one simulated resource is. ELB has three: a load balancer, the certificates of its
/// certificate store (each with a domain set) and the HTTPS listeners that use one of them.
public enum CloudResourceKind: String, Sendable, CaseIterable, Codable {
    case wafDomain = "waf-domain"
    case elbLoadBalancer = "elb-loadbalancer"
    case elbCertificate = "elb-certificate"
    case elbListener = "elb-listener"
    case cdnDomain = "cdn-domain"
    case vodDomain = "vod-domain"

    public var product: CloudProduct {
        switch self {
        case .wafDomain: .waf
        case .elbLoadBalancer, .elbCertificate, .elbListener: .elb
        case .cdnDomain: .cdn
        case .vodDomain: .vod
        }
    }

    public var displayName: String {
        switch self {
        case .wafDomain: "Protected domain"
        case .elbLoadBalancer: "Load balancer"
        case .elbCertificate: "ELB certificate"
        case .elbListener: "HTTPS listener"
        case .cdnDomain: "Accelerated domain"
        case .vodDomain: "VOD domain"
        }
    }
}

/// One resource of a product simulator and the certificate it holds now.
public struct CloudResource: Sendable, Equatable {
    public var id: Int64
    public var kind: CloudResourceKind
    /// Empty for CDN and VOD (global products).
    public var region: String
    public var project: String
    /// The domain name (WAF, CDN, VOD), or the name of the load balancer, ELB certificate or listener.
    public var name: String
    /// An ELB certificate's domain set; a domain resource's own name.
    public var domains: [String]
    /// Whether HTTPS is set up for it in its product (a WAF or CDN domain with a certificate configured).
    public var httpsReady: Bool
    /// The certificate held now: its SCM ID when it came from here, its name, serial and expiry.
    public var certificateID: String?
    public var certificateName: String
    public var serialNumber: String
    public var expiresAt: Date?
    /// A listener's ELB certificate; an ELB certificate's or listener's load balancer.
    public var parentID: Int64?
    public var createdAt: Date
    /// When it got the certificate it holds (nil: it holds none from here, or one seeded with it).
    public var heldSince: Date?

    public init(
        id: Int64 = 0, kind: CloudResourceKind, region: String, project: String, name: String, domains: [String] = [],
        httpsReady: Bool = true, certificateID: String? = nil, certificateName: String = "", serialNumber: String = "",
        expiresAt: Date? = nil, parentID: Int64? = nil, createdAt: Date, heldSince: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.region = region
        self.project = project
        self.name = name
        self.domains = domains.isEmpty && kind != .elbCertificate && kind != .elbLoadBalancer && kind != .elbListener ? [name] : domains
        self.httpsReady = httpsReady
        self.certificateID = certificateID
        self.certificateName = certificateName
        self.serialNumber = serialNumber
        self.expiresAt = expiresAt
        self.parentID = parentID
        self.createdAt = createdAt
        self.heldSince = heldSince
    }

    public var product: CloudProduct { kind.product }

    /// Whether it holds a certificate (deployed from here, or one it was set up with).
    public var holdsCertificate: Bool { !serialNumber.isEmpty }
}

/// A certificate in a product's certificate store, put there by a push (RULES.md §8): a copy of
/// the certificate as it was pushed, which HTTPS settings of the product can then use.
public struct StoredCertificate: Sendable, Equatable {
    public var id: Int64
    public var product: CloudProduct
    /// Empty for CDN and VOD (global products).
    public var region: String
    public var project: String
    public var certificateID: String
    public var certificateName: String
    public var domains: [String]
    public var serialNumber: String
    public var expiresAt: Date?
    public var pushedAt: Date

    public init(
        id: Int64 = 0, product: CloudProduct, region: String, project: String, certificateID: String, certificateName: String,
        domains: [String], serialNumber: String, expiresAt: Date?, pushedAt: Date
    ) {
        self.id = id
        self.product = product
        self.region = region
        self.project = project
        self.certificateID = certificateID
        self.certificateName = certificateName
        self.domains = domains
        self.serialNumber = serialNumber
        self.expiresAt = expiresAt
        self.pushedAt = pushedAt
    }

    /// The store entry a push of `certificate` makes.
    public init(pushing certificate: Certificate, to product: CloudProduct, region: String, project: String, at now: Date) {
        self.init(
            product: product, region: region, project: project, certificateID: certificate.id, certificateName: certificate.name,
            domains: certificate.allDomains, serialNumber: certificate.serialNumber, expiresAt: certificate.notAfter, pushedAt: now)
    }
}

/// Whether a certificate's chain has at least one intermediate: CDN refuses one without.
public enum ChainState: Sendable, Equatable {
    case complete
    case incomplete
}

/// Whether `certificate` may replace the certificate of `resource` now (RULES.md §8), one rule
/// per refusal. `listenerCount` is how many HTTPS listeners use an ELB certificate: one that no
/// listener uses is not set up for HTTPS.
public func checkDeployment(
    of certificate: Certificate, chain: ChainState, to resource: CloudResource, listenerCount: Int, now: Date,
    channel: Certificate.Channel = .console
) throws {
    try check(.deploy, on: certificate, now: now, channel: channel)
    let product = resource.product
    guard resource.kind == product.deployKind else {
        throw Refusal(.deployFailed, "\(resource.name) is a \(resource.kind.displayName.lowercased()): certificates are deployed to \(product.deployKind.displayName.lowercased())s of \(product.rawValue).")
    }
    if product == .waf, resource.project != Certificate.defaultProject {
        throw Refusal(
            .deployFailed,
            "WAF deploys only to domains of the default enterprise project; \(resource.name) is in project \(resource.project).")
    }
    switch product {
    case .elb:
        guard resource.domains.contains(where: { certificateCovers(domains: certificate.allDomains, name: $0) }) else {
            throw Refusal(
                .deployFailed,
                "The certificate covers none of the domains of ELB certificate \(resource.name) (\(resource.domains.joined(separator: ", "))).")
        }
        guard listenerCount > 0 else {
            throw Refusal(.deployFailed, "ELB certificate \(resource.name) is not bound to any HTTPS listener: bind it to a listener first.")
        }
    case .waf, .cdn, .vod:
        guard certificateCovers(domains: certificate.allDomains, name: resource.name) else {
            throw Refusal(.deployFailed, "The certificate does not cover \(resource.name) (it holds \(certificate.allDomains.joined(separator: ", "))).")
        }
        if product != .vod, !resource.httpsReady {
            throw Refusal(
                .deployFailed,
                "\(resource.name) is not set up for HTTPS in \(product.rawValue): configure a certificate for it there first.")
        }
    }
    if product == .cdn, chain == .incomplete {
        throw Refusal(.deployFailed, "CDN refuses a certificate whose chain is incomplete: it has no intermediate certificate.")
    }
}

/// The resource after a deployment: it holds the new certificate; an ELB certificate whose
/// domain set differs from the new certificate's takes the new one's (the example01/02/03.com
/// rule of RULES.md §8).
public func deployed(_ certificate: Certificate, to resource: CloudResource, at now: Date) -> CloudResource {
    var resource = resource
    resource.heldSince = now
    resource.certificateID = certificate.id
    resource.certificateName = certificate.name
    resource.serialNumber = certificate.serialNumber
    resource.expiresAt = certificate.notAfter
    if resource.kind == .elbCertificate, Set(resource.domains) != Set(certificate.allDomains) {
        resource.domains = certificate.allDomains
    }
    return resource
}

/// Whether `certificate` may be pushed into `product`'s certificate store (RULES.md §8): WAF and
/// ELB need a region, the store belongs to one of the product's enterprise projects
/// (`productProjects`), and a product takes a certificate once.
public func checkPush(
    of certificate: Certificate, to product: CloudProduct, region: String, project: String, productProjects: [String],
    alreadyInProduct: Bool, now: Date, channel: Certificate.Channel = .console
) throws {
    try check(.push, on: certificate, now: now, channel: channel)
    guard productProjects.contains(project) else {
        throw Refusal(
            .pushFailed,
            "Enterprise project: \(product.rawValue) has no project \"\(project)\"; choose one of \(productProjects.joined(separator: ", ")).",
            field: "project")
    }
    if product.needsRegion {
        guard CloudProduct.regions.contains(region) else {
            throw Refusal(
                .pushFailed, "\(product.rawValue) keeps certificates per region: choose one of \(CloudProduct.regions.joined(separator: ", ")).",
                field: "region")
        }
    }
    if alreadyInProduct {
        throw Refusal(.pushFailed, "The certificate was already pushed or uploaded to \(product.rawValue): a product takes a certificate once.")
    }
}

/// The host names the products' shared TLS edge answers for (issue 6), each with the ID of the
/// resource whose certificate it presents: of the resources serving a name, the one that got its
/// certificate last; nil (the edge's fallback certificate) when none holds one. The edge presents
/// what that resource holds, not the certificate's current files: a reissue or a domain addition
/// changes a product's resources only when it is deployed again. A domain resource serves its own
/// name, an ELB certificate bound to a listener its domain set. Wildcard names are left out: a
/// client never asks for `*.example.com` by name.
public func edgeAssignments(_ resources: [CloudResource]) -> [String: Int64?] {
    let boundELBCertificates = Set(resources.filter { $0.kind == .elbListener }.compactMap(\.parentID))
    var assignments: [String: (resourceID: Int64?, since: Date?)] = [:]
    for resource in resources {
        let names: [String] =
            switch resource.kind {
            case .wafDomain, .cdnDomain, .vodDomain: [resource.name]
            case .elbCertificate: boundELBCertificates.contains(resource.id) ? resource.domains : []
            case .elbLoadBalancer, .elbListener: []
            }
        for name in names.map({ $0.lowercased() }) where !name.contains("*") {
            guard resource.holdsCertificate else {
                if assignments[name] == nil { assignments[name] = (nil, nil) }
                continue
            }
            let current = assignments[name]
            if current?.resourceID == nil || (resource.heldSince ?? .distantPast) >= (current?.since ?? .distantPast) {
                assignments[name] = (resource.id, resource.heldSince)
            }
        }
    }
    return assignments.mapValues(\.resourceID)
}

import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Deploy and push to the WAF, ELB, CDN and VOD simulators (RULES.md §8, issue 6). The rules are
/// the core's (`checkDeployment`, `checkPush`); here each runs in one write transaction that
/// re-checks them on fresh rows, changes what the resources hold and records the outcome.
public struct DeploymentService: Sendable {
    let context: ServiceContext

    public init(context: ServiceContext) { self.context = context }

    /// One target of a deploy: a resource of the product, or a name the product does not have.
    public enum Target: Sendable, Equatable {
        case resource(Int64)
        /// A resource by name or ID; `project`, when the caller names it (the API's
        /// `enterprise_project_id`), must be the project the resource is in.
        case name(String, project: String? = nil)
    }

    /// What happened to one target: Deployed, or the reason it failed.
    public struct Outcome: Sendable, Equatable {
        public let target: String
        public let resourceID: Int64?
        public let failure: String?
        public var deployed: Bool { failure == nil }
    }

    /// Deploys the certificate to every target of `product` in `region` (WAF, ELB). A refusal of
    /// the certificate itself (its status, an uploaded CSR) is thrown; each target's own failure
    /// is its outcome. Every target gets a deployment record, in the same transaction as the change.
    public func deploy(
        certificateID: String, product: CloudProduct, region: String, targets: [Target], by principal: Principal,
        channel: Certificate.Channel = .console
    ) throws -> [Outcome] {
        guard !targets.isEmpty else {
            throw Refusal.invalid("resources", "Choose at least one \(product.deployKind.displayName.lowercased()) to deploy to.")
        }
        let loaded = try context.loadCertificate(certificateID)
        do {
            try check(.deploy, on: loaded, now: context.clock.now, channel: channel)
        } catch {
            try? record(.deploy, loaded, product: product, region: region, project: "", target: "", refusal: error, by: principal)
            throw error
        }
        let now = context.clock.now
        let results = try context.database.write { store in
            try deploy(
                in: store, certificateID: certificateID, product: product, region: region, targets: targets, by: principal,
                channel: channel, now: now)
        }
        if results.contains(where: { $0.deployed }) { publishEdgeLoggingFailure() }
        return results
    }

    /// The deployment itself, in the caller's transaction: re-checks on fresh rows, changes what
    /// each resource holds and records every target's outcome.
    private func deploy(
        in store: StoreWriter, certificateID: String, product: CloudProduct, region: String, targets: [Target],
        by principal: Principal, channel: Certificate.Channel, now: Date
    ) throws -> [Outcome] {
        guard let certificate = try store.reader.certificate(id: certificateID) else {
            throw Refusal(.notFound, "There is no certificate with ID \(certificateID).")
        }
        // What every resource deployed to now keeps, whatever later happens to the certificate.
        let held = HeldCertificate(try store.reader.materials(certificateID: certificateID) ?? CertificateMaterials())
        let chain = Self.chainState(held.chainPEM)
        let resources = try store.reader.cloudResources(product: product, region: product.needsRegion ? region : nil)
        var outcomes: [Outcome] = []
        for target in targets {
            let resource: CloudResource? =
                switch target {
                case .resource(let id): resources.first { $0.id == id && $0.kind == product.deployKind }
                case .name(let name, _): resources.first { $0.kind == product.deployKind && ($0.name == name || String($0.id) == name) }
                }
            let label: String
            var failure: String?
            if let resource {
                label = resource.name
                do {
                    if case .name(_, let project?) = target, project != resource.project {
                        throw Refusal(.deployFailed, "\(resource.name) is in enterprise project \(resource.project), not \(project).")
                    }
                    // The route checked the certificate's project; the resource's may be another
                    // one, where a user scoped to some projects may not deploy (RULES.md §9).
                    if let refusal = principal.permissions.refusal(for: .certDeploy, project: resource.project) { throw refusal }
                    let listeners = try store.reader.listenerCount(elbCertificateID: resource.id)
                    try checkDeployment(of: certificate, chain: chain, to: resource, listenerCount: listeners, now: now, channel: channel)
                    try store.updateHeldCertificate(deployed(certificate, to: resource, at: now), held: held)
                } catch let refusal as Refusal {
                    failure = refusal.message
                }
            } else {
                switch target {
                case .resource(let id): label = String(id)
                case .name(let name, _): label = name
                }
                failure = product.needsRegion
                    ? "\(label) is not added to \(product.rawValue) in region \(region)."
                    : "\(label) is not added to \(product.rawValue)."
            }
            outcomes.append(Outcome(target: label, resourceID: resource?.id, failure: failure))
            try store.insert(
                DeploymentRecord(
                    kind: .deploy, at: now, actor: principal.name, certificateID: certificate.id,
                    certificateName: certificate.name, product: product, region: product.needsRegion ? region : "",
                    project: resource?.project ?? "", target: label, succeeded: failure == nil, reason: failure ?? ""))
        }
        let deployedCount = outcomes.filter(\.deployed).count
        try store.append(
            Event(
                at: now, actor: principal.name, action: "scm:cert:deploy", target: certificate.id,
                result: deployedCount == 0 ? .failed : .success,
                detail: "\(product.rawValue): deployed to \(deployedCount) of \(outcomes.count): "
                    + outcomes.map { "\($0.target) \($0.failure ?? "Deployed")" }.joined(separator: "; "),
                remoteAddress: principal.remoteAddress))
        return outcomes
    }

    /// Complete when the chain holds an intermediate, a certificate its issuer is not itself: a
    /// root alone (a certificate signed by its root directly) is not enough for CDN.
    static func chainState(_ chainPEM: String) -> ChainState {
        let chain = (try? X509.parseBundle(chainPEM)) ?? []
        return chain.contains { $0.subject != $0.issuer } ? .complete : .incomplete
    }

    /// Copies the certificate (with its chain and sealed key) into `product`'s certificate store,
    /// once per product, and returns the push record (its `copyID` names the copy). A refusal is
    /// recorded (push record and event) and thrown.
    @discardableResult
    public func push(
        certificateID: String, product: CloudProduct, region: String, project: String, by principal: Principal,
        channel: Certificate.Channel = .console
    ) throws -> DeploymentRecord {
        let region = product.needsRegion ? region : ""
        let project = project.isEmpty ? Certificate.defaultProject : project
        let loaded = try context.loadCertificate(certificateID)
        let now = context.clock.now
        let pushed: Result<DeploymentRecord, Refusal> = try context.database.write { store in
            let certificate = try store.reader.certificate(id: certificateID) ?? loaded
            do {
                let present = try store.reader.isInProduct(certificateID: certificate.id, product: product)
                try checkPush(
                    of: certificate, to: product, region: region, project: project,
                    productProjects: try projects(of: product, in: store.reader), alreadyInProduct: present, now: now, channel: channel)
            } catch let refusal as Refusal {
                return .failure(refusal)
            }
            try store.insert(
                StoredCertificate(pushing: certificate, to: product, region: region, project: project, at: now),
                held: HeldCertificate(try store.reader.materials(certificateID: certificate.id) ?? CertificateMaterials()))
            var record = DeploymentRecord(
                kind: .push, at: now, actor: principal.name, certificateID: certificate.id, certificateName: certificate.name,
                product: product, region: region, project: project, target: product.rawValue, succeeded: true)
            record.id = try store.insert(record)
            try store.append(
                Event(
                    at: now, actor: principal.name, action: "scm:cert:push", target: certificate.id,
                    detail: "Pushed to \(product.rawValue)\(region.isEmpty ? "" : " (\(region))")", remoteAddress: principal.remoteAddress))
            return .success(record)
        }
        switch pushed {
        case .success(let record):
            return record
        case .failure(let refused):
            try? record(.push, loaded, product: product, region: region, project: project, target: product.rawValue, refusal: refused, by: principal)
            throw refused
        }
    }

    private func record(
        _ kind: DeploymentRecord.Kind, _ certificate: Certificate, product: CloudProduct, region: String, project: String,
        target: String, refusal: Refusal, by principal: Principal
    ) throws {
        let now = context.clock.now
        try context.database.write { store in
            try store.insert(
                DeploymentRecord(
                    kind: kind, at: now, actor: principal.name, certificateID: certificate.id, certificateName: certificate.name,
                    product: product, region: region, project: project, target: target, succeeded: false, reason: refusal.message))
            try store.append(
                Event(
                    at: now, actor: principal.name, action: "scm:cert:\(kind.rawValue)", target: certificate.id, result: .refused,
                    detail: refusal.message, remoteAddress: principal.remoteAddress))
        }
    }

    /// One page of the records, newest first, with the total (the push page shows the latest 10).
    public func records(_ filter: DeploymentRecordFilter) throws -> Page<DeploymentRecord> {
        try context.database.read { try $0.deploymentRecords(filter) }
    }

    /// The enterprise projects of `product`: those its resources are in, and always `default`.
    public func projects(of product: CloudProduct) throws -> [String] {
        try context.database.read { try projects(of: product, in: $0) }
    }

    private func projects(of product: CloudProduct, in store: StoreReader) throws -> [String] {
        Array(Set(try store.cloudProjects(product: product) + [Certificate.defaultProject])).sorted()
    }

    /// `product`'s certificate store (what pushes put there), newest first.
    public func storedCertificates(product: CloudProduct, region: String? = nil, project: String? = nil) throws -> [StoredCertificate] {
        try context.database.read { try $0.storedCertificates(product: product, region: region, project: project) }
    }

    public func resources(product: CloudProduct, region: String? = nil, project: String? = nil) throws -> [CloudResource] {
        try context.database.read { try $0.cloudResources(product: product, region: region, project: project) }
    }

    /// The product's deploy targets in `region` that the certificate covers (RULES.md §4 wildcard
    /// matching): an ELB certificate when one of its domains is covered.
    public func coveredTargets(of certificate: Certificate, product: CloudProduct, region: String) throws -> [CloudResource] {
        try resources(product: product, region: product.needsRegion ? region : nil).filter { resource in
            resource.kind == product.deployKind
                && resource.domains.contains { certificateCovers(domains: certificate.allDomains, name: $0) }
        }
    }

    /// The resources holding each certificate now, in `products`.
    public func deployedResources(certificateIDs: [String], products: [CloudProduct]) throws -> [String: [CloudResource]] {
        let held = try context.database.read { try $0.cloudResources(holding: certificateIDs) }
        return Dictionary(grouping: held.filter { products.contains($0.product) }) { $0.certificateID ?? "" }
    }

    /// Adds a resource to a simulator (the product pages' "Add").
    @discardableResult
    public func addResource(_ resource: CloudResource, by principal: Principal) throws -> Int64 {
        var resource = resource
        resource.name = resource.name.trimmingCharacters(in: .whitespaces)
        guard !resource.name.isEmpty else { throw Refusal.invalid("name", "Enter a name.") }
        // Domain names are stored as the products and the TLS edge compare them: normalized.
        if [.wafDomain, .cdnDomain, .vodDomain].contains(resource.kind) {
            resource.name = try DomainName.normalize(resource.name, allowWildcard: true, field: "name")
            resource.domains = [resource.name]
        }
        if resource.kind == .elbCertificate {
            resource.domains = try resource.domains.filter { !$0.isEmpty }.map {
                try DomainName.normalize($0, allowWildcard: true, field: "domains")
            }
        }
        if resource.domains.isEmpty { resource.domains = [resource.name] }
        if resource.product.needsRegion, !CloudProduct.regions.contains(resource.region) {
            throw Refusal.invalid("region", "Choose one of \(CloudProduct.regions.joined(separator: ", ")).")
        }
        let name = resource.name
        let id = try context.database.write { store -> Int64 in
            if let parent = resource.parentID, try store.reader.cloudResource(id: parent) == nil {
                throw Refusal.invalid("parent", "There is no resource \(parent) to attach it to.")
            }
            let id = try store.insert(resource)
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "cloud:resource:add", target: String(id),
                      detail: "\(resource.product.rawValue) \(resource.kind.displayName) \(name)", remoteAddress: principal.remoteAddress))
            return id
        }
        publishEdgeLoggingFailure()
        return id
    }

    /// Removes resource `id` of `product` (a page of one product removes only that product's resources).
    public func removeResource(id: Int64, of product: CloudProduct, by principal: Principal) throws {
        try context.database.write { store in
            guard let resource = try store.reader.cloudResource(id: id), resource.product == product, try store.deleteCloudResource(id: id)
            else {
                throw Refusal(.notFound, "There is no \(product.rawValue) resource \(id).")
            }
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "cloud:resource:remove", target: String(id),
                      detail: "\(resource.product.rawValue) \(resource.kind.displayName) \(resource.name)", remoteAddress: principal.remoteAddress))
        }
        publishEdgeLoggingFailure()
    }

    /// Signs, with the CA simulator, the certificate each demo resource set up for HTTPS holds
    /// (the migration marks them): a product page and the edge then show a real certificate for
    /// it, as a product already serving HTTPS would, until something is deployed there. Runs
    /// when `scm serve` starts; each resource gets one certificate, once. Returns how many.
    @discardableResult
    public func installSeedCertificates() throws -> Int {
        let pending = try context.database.read { try $0.resourcesAwaitingSeedCertificate() }
        guard !pending.isEmpty else { return 0 }
        // The intermediate's key is opened once for all of them, as `scm seed` does.
        let signer = try CertificateAuthority(database: context.database, sealer: context.sealer)
            .signer(for: CABrand.allCases[0])
        let now = context.clock.now
        var installed = 0
        for resource in pending where !resource.domains.isEmpty {
            let key = try PrivateKey(generating: .ecP256)
            let csr = try CSR.create(key: key, commonName: resource.domains[0], subjectAlternativeNames: resource.domains)
            let issued = try signer.issue(
                csrPEM: csr, names: resource.domains, type: .dv, application: nil,
                notBefore: now - .days(1), notAfter: now + .days(365))
            var holding = resource
            // Set up in the product before this manager knew it: no certificate ID, no "since".
            holding.certificateName = "preinstalled-\(resource.name)"
            holding.serialNumber = issued.info.serialNumberHex
            holding.expiresAt = issued.info.notAfter
            let held = HeldCertificate(
                certificatePEM: issued.certificatePEM, chainPEM: issued.chainPEM,
                sealedPrivateKey: try context.sealer.seal(Array(key.pem.utf8)))
            if try context.database.write({ try $0.installSeedCertificate(holding, held: held) }) { installed += 1 }
        }
        return installed
    }

    // MARK: - The TLS edge

    /// One publication at a time in this process: two deploys finishing together must not
    /// write their views of the resources in the wrong order.
    private static let edgeLock = NSLock()

    /// Rewrites the TLS edge from what the resources hold now (`edgeAssignments`): each name gets
    /// the key, certificate and chain deployed to its resource, or the fallback. Runs at start
    /// and after every change; the database stays the truth, the edge is rebuilt from it.
    public func publishEdge() throws {
        guard let edge = context.edge else { return }
        Self.edgeLock.lock()
        defer { Self.edgeLock.unlock() }
        let authority = CertificateAuthority(database: context.database, sealer: context.sealer)
        let fallback = try edge.fallbackBundle(authority: authority, now: context.clock.now)
        let (resources, held) = try context.database.read { store in (try store.allCloudResources(), try store.heldCertificates()) }
        var bundles: [String: String] = [:]
        for (name, resourceID) in edgeAssignments(resources) {
            if let resourceID, let deployed = held[resourceID], let key = openKey(deployed, of: resourceID) {
                bundles[name] = key.pem + deployed.certificatePEM + deployed.chainPEM
            } else if resourceID != nil, let served = edge.bundle(for: name) {
                // Its key does not open (logged): the name keeps what it serves.
                bundles[name] = served
            } else {
                bundles[name] = fallback
            }
        }
        try edge.publish(bundles)
    }

    /// The key a resource holds; a key that does not open is logged and the name keeps what it
    /// serves, so that one bad value does not stop every other name's update.
    private func openKey(_ held: HeldCertificate, of resourceID: Int64) -> PrivateKey? {
        guard let sealed = held.sealedPrivateKey else {
            context.logger.error("TLS edge: a resource holds a certificate without its key", metadata: ["resource": "\(resourceID)"])
            return nil
        }
        do {
            return try PrivateKey(pem: String(decoding: try context.sealer.open(sealed), as: UTF8.self))
        } catch {
            context.logger.error(
                "TLS edge: the key a resource holds does not open", metadata: ["resource": "\(resourceID)", "error": "\(error)"])
            return nil
        }
    }

    /// `publishEdge` after a change already committed: a failure to write the edge is logged,
    /// not reported as a failure of the change (the next publication repairs the edge).
    public func publishEdgeLoggingFailure() {
        do { try publishEdge() } catch {
            context.logger.error("TLS edge not updated", metadata: ["error": "\(error)"])
        }
    }
}

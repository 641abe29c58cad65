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
        let chain = Self.chainState(try store.reader.materials(certificateID: certificateID)?.chainPEM ?? "")
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
                    try store.updateHeldCertificate(deployed(certificate, to: resource, at: now))
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

    /// Copies the certificate into `product`'s certificate store, once per product, and returns
    /// the push record (its `copyID` names the copy). A refusal is recorded (push record and
    /// event) and thrown.
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
                try checkPush(of: certificate, to: product, region: region, alreadyInProduct: present, now: now, channel: channel)
            } catch let refusal as Refusal {
                return .failure(refusal)
            }
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

    /// The latest records, newest first (the push page shows 10).
    public func records(_ filter: DeploymentRecordFilter) throws -> [DeploymentRecord] {
        try context.database.read { try $0.deploymentRecords(filter) }
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

    public func removeResource(id: Int64, by principal: Principal) throws {
        try context.database.write { store in
            guard let resource = try store.reader.cloudResource(id: id), try store.deleteCloudResource(id: id) else {
                throw Refusal(.notFound, "There is no resource \(id).")
            }
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "cloud:resource:remove", target: String(id),
                      detail: "\(resource.product.rawValue) \(resource.kind.displayName) \(resource.name)", remoteAddress: principal.remoteAddress))
        }
        publishEdgeLoggingFailure()
    }

    // MARK: - The TLS edge

    /// One publication at a time in this process: two deploys finishing together must not
    /// write their views of the resources in the wrong order.
    private static let edgeLock = NSLock()

    /// Rewrites the TLS edge from what the resources hold now (`edgeAssignments`): each name gets
    /// the key, certificate and chain of its certificate, or the fallback. Runs at start and
    /// after every change; the database stays the truth, the edge is rebuilt from it.
    public func publishEdge() throws {
        guard let edge = context.edge else { return }
        Self.edgeLock.lock()
        defer { Self.edgeLock.unlock() }
        let authority = CertificateAuthority(database: context.database, sealer: context.sealer)
        let fallback = try edge.fallbackBundle(authority: authority, now: context.clock.now)
        let assignments = try context.database.read { edgeAssignments(try $0.allCloudResources()) }
        let certificateIDs = Set(assignments.values.compactMap { $0 })
        let materials = try context.database.read { store in
            try certificateIDs.reduce(into: [String: CertificateMaterials]()) { $0[$1] = try store.materials(certificateID: $1) }
        }
        let keys = DownloadService(context: context)
        var bundles: [String: String] = [:]
        for (name, certificateID) in assignments {
            if let certificateID, let held = materials[certificateID], let key = openKey(held, of: certificateID, keys: keys) {
                bundles[name] = key.pem + held.certificatePEM + held.chainPEM
            } else if certificateID != nil, let served = edge.bundle(for: name) {
                // Deleted from the manager since it was deployed: the product keeps what it holds.
                bundles[name] = served
            } else {
                bundles[name] = fallback
            }
        }
        try edge.publish(bundles)
    }

    /// The key of a deployed certificate; a key that does not open is logged and the name keeps
    /// what it serves, so that one bad value does not stop every other name's update.
    private func openKey(_ materials: CertificateMaterials, of certificateID: String, keys: DownloadService) -> PrivateKey? {
        do { return try keys.openKey(materials) } catch {
            context.logger.error("TLS edge: the key of a deployed certificate does not open", metadata: ["certificate": "\(certificateID)", "error": "\(error)"])
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

import Foundation
import Testing

@testable import SCMCore

/// RULES.md §8: the deploy guard and the push rule.
struct DeploymentTests {
    func resource(_ kind: CloudResourceKind, _ name: String, project: String = "default", domains: [String] = [], ready: Bool = true)
        -> CloudResource
    {
        CloudResource(
            id: 1, kind: kind, region: kind.product.needsRegion ? "cn-north-4" : "", project: project, name: name,
            domains: domains, httpsReady: ready, createdAt: now)
    }

    func refusal(_ body: () throws -> Void) -> Refusal? {
        do { try body() } catch let refusal as Refusal { return refusal } catch { return nil }
        return nil
    }

    @Test func anIssuedCertificateDeploysToACoveredReadyDomain() throws {
        try checkDeployment(of: certificate(.issued), chain: .complete, to: resource(.cdnDomain, "www.example.com"), listenerCount: 0, now: now)
        var wildcard = certificate(.issued, domainType: .wildcard)
        wildcard.domain = "*.example.com"
        try checkDeployment(of: wildcard, chain: .complete, to: resource(.wafDomain, "shop.example.com"), listenerCount: 0, now: now)
        #expect(refusal { try checkDeployment(of: wildcard, chain: .complete, to: resource(.wafDomain, "a.b.example.com"), listenerCount: 0, now: now) }?.code == .deployFailed)
    }

    @Test func onlyIssuedOrUploadAndNeverAnUploadedCSR() {
        #expect(refusal { try checkDeployment(of: certificate(.paid), chain: .complete, to: resource(.vodDomain, "www.example.com"), listenerCount: 0, now: now) }?.code == .wrongStatus)
        var uploadedCSR = certificate(.issued)
        uploadedCSR.csrSource = .uploaded
        #expect(refusal { try checkDeployment(of: uploadedCSR, chain: .complete, to: resource(.vodDomain, "www.example.com"), listenerCount: 0, now: now) }?.code == .uploadedCSR)
        #expect(refusal { try checkDeployment(of: uploadedCertificate(.upload), chain: .complete, to: resource(.vodDomain, "www.example.com"), listenerCount: 0, now: now) } == nil)
    }

    @Test func wafOnlyInTheDefaultProject() {
        let message = refusal {
            try checkDeployment(of: certificate(.issued), chain: .complete, to: resource(.wafDomain, "www.example.com", project: "production"), listenerCount: 0, now: now)
        }?.message
        #expect(message == "WAF deploys only to domains of the default enterprise project; www.example.com is in project production.")
    }

    @Test func theTargetMustBeReadyForHTTPS() {
        #expect(refusal { try checkDeployment(of: certificate(.issued), chain: .complete, to: resource(.cdnDomain, "www.example.com", ready: false), listenerCount: 0, now: now) }?.message.contains("not set up for HTTPS") == true)
        let elb = resource(.elbCertificate, "elb-cert", domains: ["www.example.com"])
        #expect(refusal { try checkDeployment(of: certificate(.issued), chain: .complete, to: elb, listenerCount: 0, now: now) }?.message.contains("not bound to any HTTPS listener") == true)
        #expect(refusal { try checkDeployment(of: certificate(.issued), chain: .complete, to: elb, listenerCount: 2, now: now) } == nil)
    }

    @Test func cdnRefusesAnIncompleteChain() {
        #expect(refusal { try checkDeployment(of: certificate(.issued), chain: .incomplete, to: resource(.cdnDomain, "www.example.com"), listenerCount: 0, now: now) }?.message.contains("chain is incomplete") == true)
        #expect(refusal { try checkDeployment(of: certificate(.issued), chain: .incomplete, to: resource(.vodDomain, "www.example.com"), listenerCount: 0, now: now) } == nil)
    }

    @Test func anELBCertificateTakesTheNewDomainSetWhenItDiffers() {
        var multiple = certificate(.issued, domainType: .multiple)
        multiple.domain = "example01.com"
        multiple.sans = ["example03.com"]
        let old = resource(.elbCertificate, "elb-cert", domains: ["example01.com", "example02.com"])
        #expect(deployed(multiple, to: old, at: now).domains == ["example01.com", "example03.com"])
        let same = resource(.elbCertificate, "elb-cert", domains: ["example03.com", "example01.com"])
        #expect(deployed(multiple, to: same, at: now).domains == ["example03.com", "example01.com"])
        #expect(deployed(multiple, to: old, at: now).certificateID == multiple.id)
    }

    @Test func theEdgePresentsForEachNameTheCertificateDeployedLast() {
        func holding(_ kind: CloudResourceKind, _ name: String, id: Int64, certificate: String?, since: Double?, domains: [String] = [])
            -> CloudResource
        {
            var held = resource(kind, name, domains: domains)
            held.id = id
            held.certificateID = certificate
            held.serialNumber = certificate.map { "serial-of-\($0)" } ?? ""
            held.heldSince = since.map { now + $0 }
            return held
        }
        var listener = resource(.elbListener, "listener-443")
        listener.parentID = 4
        let assignments = edgeAssignments([
            holding(.cdnDomain, "www.example.com", id: 1, certificate: "scs-new", since: 60),
            holding(.wafDomain, "WWW.example.com", id: 2, certificate: "scs-old", since: 0),
            holding(.vodDomain, "video.example.com", id: 3, certificate: nil, since: nil),
            holding(.elbCertificate, "cert-a", id: 4, certificate: "scs-elb", since: 30, domains: ["api.example.com", "*.example.com"]),
            holding(.elbCertificate, "cert-unbound", id: 5, certificate: "scs-unbound", since: 90, domains: ["shop.example.com"]),
            listener,
        ])
        #expect(assignments["www.example.com"] == .some(1))
        #expect(assignments["video.example.com"] == .some(nil))
        #expect(assignments["api.example.com"] == .some(4))
        #expect(assignments["shop.example.com"] == nil)
        #expect(assignments["*.example.com"] == nil)
        #expect(assignments.count == 3)
    }

    @Test func pushOncePerProductWithARegionForWAFAndELB() throws {
        let projects = ["default", "production"]
        func push(to product: CloudProduct, region: String, project: String = "default", alreadyInProduct: Bool = false) throws {
            try checkPush(
                of: certificate(.issued), to: product, region: region, project: project, productProjects: projects,
                alreadyInProduct: alreadyInProduct, now: now)
        }
        try push(to: .cdn, region: "")
        try push(to: .waf, region: "cn-east-3", project: "production")
        #expect(refusal { try push(to: .elb, region: "") }?.field == "region")
        #expect(refusal { try push(to: .waf, region: "cn-east-3", alreadyInProduct: true) }?.message.contains("already pushed") == true)
        let unknown = refusal { try push(to: .elb, region: "cn-east-3", project: "staging") }
        #expect(unknown?.field == "project")
        #expect(unknown?.message == "Enterprise project: ELB has no project \"staging\"; choose one of default, production.")
    }
}

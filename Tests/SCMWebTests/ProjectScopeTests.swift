import Foundation
import SCMCore
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// Enterprise projects (issue 8, RULES.md §9): a user granted SCM FullAccess for project "dev"
/// only sees dev certificates anywhere, and acts on nothing else, in the console and the API.
@Suite struct ProjectScopeTests {
    let api: APITests
    var browser: ConsoleBrowser { api.browser }
    let dev: Certificate
    let other: Certificate

    /// alice's access key is made while she is still an operator; then her only grant becomes
    /// FullAccess for "dev". One revoked (deletable) certificate in each project.
    init() throws {
        api = try APITests()
        let browser = api.browser
        dev = try browser.insertCertificate(id: "scs1000000000001", domain: "dev.example.com", status: .revoked)
        other = try browser.insertCertificate(id: "scs1000000000002", domain: "www.example.com", status: .revoked)
        try browser.context.database.write { store in
            var moved = try #require(try store.reader.certificate(id: "scs1000000000001"))
            moved.enterpriseProject = "dev"
            try store.update(moved, expectedStatus: moved.status)
        }
        try grant(.fullAccess, project: "dev", replacingOperators: true)
    }

    private func grant(_ policy: Policy, project: String, replacingOperators: Bool = false) throws {
        let iam = IAMService(context: browser.context)
        let name = "team-\(project)-\(policy.name.split(separator: " ").last ?? "")"
        let group = try iam.createGroup(name: name, description: "", by: .system)
        let stored = try #require(try browser.context.database.read { try $0.policy(named: policy.name) })
        try iam.attach(policyID: stored.id, groupID: group, project: project, by: .system)
        try iam.addMember(groupID: group, userName: "alice", by: .system)
        if replacingOperators {
            let operators = try #require(try browser.context.database.read { try $0.group(named: "operators") })
            try iam.removeMember(groupID: operators.id, userID: browser.principal.userID, by: .system)
        }
    }

    /// The product pages show what each resource holds; a certificate of a project the viewer
    /// cannot see is not named there, nor linked by its ID.
    @Test func productPagesNameOnlyVisibleCertificates() throws {
        try browser.context.database.write { store in
            let resources = try store.reader.cloudResources(product: .vod)
            for (resource, certificate) in zip(resources, [dev, other]) {
                try store.updateHeldCertificate(
                    deployed(certificate, to: resource, at: Date()),
                    held: HeldCertificate(certificatePEM: "", chainPEM: "", sealedPrivateKey: nil))
            }
        }
        let page = browser.get("/cloud/vod")
        #expect(page.status == 200)
        #expect(page.html.contains("/certificates/\(dev.id)"))
        #expect(!page.html.contains(other.id))
        #expect(page.html.contains("A certificate of another enterprise project"))
    }

    /// The certificate store on a product page conceals certificates the same way.
    @Test func productCertificateStoresNameOnlyVisibleCertificates() throws {
        try browser.context.database.write { store in
            for certificate in [dev, other] {
                try store.insert(
                    StoredCertificate(pushing: certificate, to: .cdn, region: "", project: "default", at: Date()),
                    held: HeldCertificate(certificatePEM: "", chainPEM: "", sealedPrivateKey: nil))
            }
        }
        let page = browser.get("/cloud/cdn")
        let store = try #require(page.html.range(of: "id=\"certificate-store\"")).upperBound
        #expect(page.html[store...].contains("/certificates/\(dev.id)"))
        #expect(!page.html.contains(other.id) && !page.html.contains(other.name))
        #expect(page.html[store...].contains("A certificate of another enterprise project"))
    }

    @Test func listsAndCountsHoldOnlyTheGrantedProject() throws {
        let list = browser.get("/certificates")
        #expect(list.status == 200)
        #expect(list.html.contains(dev.id))
        #expect(!list.html.contains(other.id))
        #expect(!list.html.contains(#"<option value="default""#), "the project filter offers only visible projects")
        #expect(browser.get("/certificates?keyword=example.com").html.contains(dev.id))
        #expect(!browser.get("/certificates?keyword=www.example").html.contains(other.id))

        let listed = try #require(api.call("GET", "/v3/scm/certificates").json as? [String: Any])
        #expect(listed["total_count"] as? Int == 1)
        let ids = (listed["certificates"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == [dev.id])

        let alice = try #require(try browser.context.database.read { try $0.user(named: "alice") })
        let principal = Principal(
            userID: alice.id, name: alice.name, isAdmin: false,
            permissions: try IAMService(context: browser.context).permissions(for: alice))
        let overview = try OverviewQueries(context: browser.context).overview(by: principal)
        #expect(overview.statusCounts == [.revoked: 1])
    }

    @Test func deployRecordsHoldOnlyTheGrantedProject() throws {
        try browser.context.database.write { store in
            for certificate in [dev, other] {
                try store.insert(
                    DeploymentRecord(
                        kind: .push, at: browser.clock.now, actor: "alice", certificateID: certificate.id,
                        certificateName: certificate.name, product: .cdn, region: "", project: "default",
                        target: "cdn.example.com", succeeded: true))
            }
        }
        let records = browser.get("/cloud/records")
        #expect(records.status == 200)
        #expect(records.html.contains("/certificates/\(dev.id)"))
        #expect(!records.html.contains("/certificates/\(other.id)"))

        // Deleted certificates keep their history, seen by the project they were in.
        try browser.context.database.write { store in
            for certificate in [dev, other] { try store.deleteCertificate(id: certificate.id) }
        }
        let kept = browser.get("/cloud/records")
        #expect(kept.html.contains(dev.id))
        #expect(!kept.html.contains(other.id))
    }

    @Test func aCertificateOutsideTheProjectIsMissing() throws {
        for response in [browser.get("/certificates/\(other.id)"), browser.post("/certificates/\(other.id)/delete")] {
            #expect(response.status == 404)
            #expect(response.html.contains("There is no certificate with ID \(other.id)."))
        }
        let shown = api.call("GET", "/v3/scm/certificates/\(other.id)")
        #expect(shown.status == 404)
        #expect((shown.json as? [String: Any])?["error_msg"] as? String == "There is no certificate with ID \(other.id).")
        #expect(api.call("DELETE", "/v3/scm/certificates/\(other.id)").status == 404)
        let deployed = api.call(
            "POST", "/v3/scm/deployed-resources", body: #"{"certificate_ids": ["\#(other.id)"], "service_names": ["ALL"]}"#)
        #expect(deployed.status == 404, "an id in the body is checked like one in the path")
        #expect(try browser.context.database.read { try $0.certificate(id: other.id) } != nil)
    }

    @Test func aVisibleCertificateRefusesWhatThePolicyDoesNotAllow() throws {
        try grant(.readOnly, project: Certificate.defaultProject)
        #expect(browser.get("/certificates/\(other.id)").status == 200)
        let refused = browser.post("/certificates/\(other.id)/delete")
        #expect(refused.status == 403)
        #expect(
            refused.html.contains(
                "none of your policies allows scm:cert:delete in enterprise project &quot;default&quot;"))
        #expect(try browser.context.database.read { try $0.certificate(id: other.id) } != nil)
    }

    @Test func theGrantedProjectIsFullyUsable() throws {
        let deleted = browser.post("/certificates/\(dev.id)/delete")
        #expect(deleted.status == 303)
        #expect(try browser.context.database.read { try $0.certificate(id: dev.id) } == nil)
    }

    @Test func buyingAndMovingNeedTheTargetProject() throws {
        let order = #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": true"#
        let intoDefault = api.call("POST", "/v3/scm/certificates/buy", body: order + "}")
        #expect(intoDefault.status == 403)
        #expect(
            (intoDefault.json as? [String: Any])?["error_msg"] as? String
                == "You may not do this: none of your policies allows scm:cert:buy in enterprise project \"default\".")
        #expect(api.call("POST", "/v3/scm/certificates/buy", body: order + #", "enterprise_project_id": "dev"}"#).status == 200)

        let moved = browser.post("/certificates/\(dev.id)/move-project", ["enterprise_project": "default"])
        #expect(moved.status == 403)
        #expect(try browser.context.database.read { try $0.certificate(id: dev.id)?.enterpriseProject } == "dev")
    }
}

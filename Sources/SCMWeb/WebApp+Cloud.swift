import Foundation
import SCMCore
import SCMService
import SCMStore

/// The WAF, ELB, CDN and VOD simulators' pages, Deploy, Push and the records page (issue 6).
extension WebApp {
    func addCloudRoutes(_ router: inout Router) {
        router.add("GET", "cloud/records", action: .certList) { try showCloudRecords(&$0) }
        for product in CloudProduct.allCases {
            let path = "cloud/" + product.rawValue.lowercased()
            router.add("GET", path, action: .simList) { try showCloudProduct(&$0, product) }
            router.add("POST", path + "/resources", action: .simUpdate) { try addCloudResource(&$0, product) }
            router.add("POST", path + "/resources/:rid/delete", action: .simUpdate) { try removeCloudResource(&$0, product) }
        }
        router.add("GET", "certificates/:id/deploy", action: .certDeploy) { try showDeploy(&$0) }
        router.add("POST", "certificates/:id/deploy", action: .certDeploy) { try deploy(&$0) }
        router.add("GET", "certificates/:id/push", action: .certPush) { try showPush(&$0) }
        router.add("POST", "certificates/:id/push", action: .certPush) { try push(&$0) }
    }

    var deployments: DeploymentService { DeploymentService(context: context) }

    static func product(_ value: String?) -> CloudProduct? {
        value.flatMap { CloudProduct(rawValue: $0.uppercased()) }
    }

    func cloudLayout(_ request: RequestContext, _ title: String, crumbs: [Crumb]) -> Layout {
        layout(title: title, request: request, section: "cloud", crumbs: [Crumb(title: "Cloud Products", href: "/cloud")] + crumbs, flash: request.flash)
    }

    /// A resource as the product pages show it. `namingCertificate` false: the certificate it
    /// holds is in an enterprise project the viewer may not see, so neither its name nor its
    /// ID (in the link) is shown; the product's own serial and expiry are.
    static func resourceRow(_ resource: CloudResource, namingCertificate: Bool) -> CloudResourceRow {
        CloudResourceRow(
            id: String(resource.id), kind: resource.kind.displayName, name: resource.name,
            region: resource.region.isEmpty ? "global" : resource.region, project: resource.project,
            domains: resource.domains.joined(separator: ", "), httpsReady: resource.httpsReady,
            certificateName: namingCertificate ? resource.certificateName : "A certificate of another enterprise project",
            certificateHref: namingCertificate ? resource.certificateID.map { "/certificates/\($0)" } : nil,
            serial: resource.serialNumber, expiry: resource.expiresAt.map(formatDate) ?? "",
            parent: resource.parentID.map(String.init) ?? "",
            deleteAction: "/cloud/\(resource.product.rawValue.lowercased())/resources/\(resource.id)/delete")
    }

    /// The rows of `resources` for the viewer of `request`: the certificates they hold are
    /// named only where the viewer may see their enterprise project (issue 8).
    func resourceRows(_ resources: [CloudResource], for request: RequestContext) throws -> [CloudResourceRow] {
        let concealed = try concealedCertificates(resources.compactMap(\.certificateID), for: request)
        return resources.map { Self.resourceRow($0, namingCertificate: !concealed.contains($0.certificateID ?? "")) }
    }

    /// Of `ids`, the certificates in enterprise projects the viewer of `request` may not see.
    func concealedCertificates(_ ids: [String], for request: RequestContext) throws -> Set<String> {
        let permissions = request.permissions
        return try context.database.read { store in
            try Set(ids.filter { id in
                try store.enterpriseProject(ofCertificate: id).map { !permissions.canSee(project: $0) } ?? false
            })
        }
    }

    /// The product's certificate store as its page shows it, concealed as `resourceRows` does.
    func storeRows(_ stored: [StoredCertificate], for request: RequestContext) throws -> [StoredCertificateRow] {
        let concealed = try concealedCertificates(stored.map(\.certificateID), for: request)
        return stored.map { entry in
            let named = !concealed.contains(entry.certificateID)
            return StoredCertificateRow(
                certificateName: named ? entry.certificateName : "A certificate of another enterprise project",
                certificateHref: named ? "/certificates/\(entry.certificateID)" : nil,
                region: entry.region.isEmpty ? "global" : entry.region, project: entry.project,
                domains: entry.domains.joined(separator: ", "), serial: entry.serialNumber,
                expiry: entry.expiresAt.map(Self.formatDate) ?? "", pushedAt: Self.formatDateTime(entry.pushedAt))
        }
    }

    // MARK: Product pages

    func showCloudProduct(_ request: inout RequestContext, _ product: CloudProduct, errors: FormErrors = .none, status: Int = 200) throws -> HTTPResponse {
        let query = request.request.query
        let region = query["region"].flatMap { $0.isEmpty ? nil : $0 }
        let project = query["project"].flatMap { $0.isEmpty ? nil : $0 }
        let resources = try deployments.resources(product: product, region: region, project: project)
        let stored = try deployments.storedCertificates(product: product, region: product.needsRegion ? region : nil, project: project)
        let page = CloudProductPage(
            layout: cloudLayout(request, product.rawValue, crumbs: [Crumb(title: product.rawValue, href: nil)]),
            product: product.rawValue, productName: product.displayName, path: "/cloud/" + product.rawValue.lowercased(),
            regional: product.needsRegion, errors: errors,
            regions: [SelectOption(value: "", label: "All regions", selected: region == nil)]
                + CloudProduct.regions.map { SelectOption(value: $0, label: $0, selected: $0 == region) },
            projects: ([""] + (try deployments.projects(of: product))).map {
                SelectOption(value: $0, label: $0.isEmpty ? "All projects" : $0, selected: $0 == (project ?? ""))
            },
            kinds: CloudResourceKind.allCases.filter { $0.product == product }.map { SelectOption(value: $0.rawValue, label: $0.displayName, selected: false) },
            addRegions: CloudProduct.regions.map { SelectOption(value: $0, label: $0, selected: false) },
            rows: try resourceRows(resources, for: request), storeRows: try storeRows(stored, for: request))
        return .html(templates.render(page, "cloud-product"), status: status)
    }

    func addCloudResource(_ request: inout RequestContext, _ product: CloudProduct) throws -> HTTPResponse {
        let form = request.request.form
        let kind = CloudResourceKind(rawValue: form["kind"] ?? "").flatMap { $0.product == product ? $0 : nil } ?? product.deployKind
        let domains = (form["domains"] ?? "").split(whereSeparator: { $0 == "," || $0.isNewline || $0 == " " }).map(String.init)
        let resource = CloudResource(
            kind: kind, region: product.needsRegion ? form["region"] ?? "" : "", project: (form["project"] ?? "").isEmpty ? "default" : form["project"]!,
            name: form["name"] ?? "", domains: domains, httpsReady: form["https_ready"] == "on",
            parentID: Int64(form["parent"] ?? ""), createdAt: context.clock.now)
        let captured = request
        return try submit(
            request,
            perform: {
                let id = try deployments.addResource(resource, by: captured.principal)
                return ("/cloud/\(product.rawValue.lowercased())", "\(kind.displayName) \(resource.name) added (ID \(id)).", ["id": id])
            },
            reshow: { errors in
                var copy = captured
                return String(decoding: try showCloudProduct(&copy, product, errors: errors).body, as: UTF8.self)
            })
    }

    func removeCloudResource(_ request: inout RequestContext, _ product: CloudProduct) throws -> HTTPResponse {
        let captured = request
        return try submit(
            request,
            perform: {
                guard let id = Int64(captured.parameter("rid")) else {
                    throw Refusal(.notFound, "There is no \(product.rawValue) resource \(captured.parameter("rid")).")
                }
                try deployments.removeResource(id: id, of: product, by: captured.principal)
                return ("/cloud/\(product.rawValue.lowercased())", "Resource \(id) removed.", ["id": id, "removed": true])
            },
            reshow: { errors in
                var copy = captured
                return String(decoding: try showCloudProduct(&copy, product, errors: errors).body, as: UTF8.self)
            })
    }

    // MARK: Deploy

    func showDeploy(_ request: inout RequestContext, results: [DeploymentService.Outcome] = [], errors: FormErrors = .none, status: Int = 200) throws -> HTTPResponse {
        let certificate = try certificates.details(id: request.parameter("id"), by: request.principal).certificate
        try check(.deploy, on: certificate, now: context.clock.now)
        let values = request.request.method == "POST" ? request.request.form : request.request.query
        let product = Self.product(values["product"]) ?? .elb
        let region = values["region"].flatMap { CloudProduct.regions.contains($0) ? $0 : nil } ?? CloudProduct.regions[0]
        let targets = try deployments.coveredTargets(of: certificate, product: product, region: region)
        let page = DeployPage(
            layout: layout(
                title: "Deploy Certificate", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Deploy"),
                flash: request.flash),
            certificateID: certificate.id, certificateName: certificate.name, domains: certificate.allDomains.joined(separator: ", "),
            products: CloudProduct.allCases.map { SelectOption(value: $0.rawValue, label: "\($0.rawValue) — \($0.displayName)", selected: $0 == product) },
            regional: product.needsRegion, product: product.rawValue,
            regions: CloudProduct.regions.map { SelectOption(value: $0, label: $0, selected: $0 == region) }, region: region,
            targets: try resourceRows(targets, for: request), errors: errors,
            results: results.map { DeployPage.Result(target: $0.target, deployed: $0.deployed, reason: $0.failure ?? "Deployed") },
            productHref: "/cloud/" + product.rawValue.lowercased())
        return .html(templates.render(page, "deploy"), status: status)
    }

    func deploy(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let id = request.parameter("id")
        _ = try certificates.details(id: id, by: request.principal)
        let product = Self.product(form["product"]) ?? .elb
        let targets = form.all("resource").compactMap(Int64.init).map(DeploymentService.Target.resource)
        do {
            let outcomes = try deployments.deploy(
                certificateID: id, product: product, region: form["region"] ?? "", targets: targets, by: request.principal)
            if request.request.wantsJSON {
                return .json(["results": outcomes.map { ["resource": $0.target, "deployed": $0.deployed, "reason": $0.failure ?? ""] }])
            }
            return try showDeploy(&request, results: outcomes)
        } catch let refusal as Refusal {
            let reply = answer(to: refusal, in: request)
            if request.request.wantsJSON {
                return .json(["error_code": reply.code, "error_msg": refusal.message], status: reply.status)
            }
            return try showDeploy(&request, errors: FormErrors([refusal]), status: reply.status)
        }
    }

    // MARK: Push

    func showPush(_ request: inout RequestContext, errors: FormErrors = .none, pushed: CloudProduct? = nil, status: Int = 200) throws -> HTTPResponse {
        let certificate = try certificates.details(id: request.parameter("id"), by: request.principal).certificate
        try check(.push, on: certificate, now: context.clock.now)
        let values = request.request.method == "POST" ? request.request.form : request.request.query
        let product = Self.product(values["product"]) ?? .cdn
        let region = values["region"] ?? CloudProduct.regions[0]
        let project = values["project"] ?? "default"
        let records = try deployments.records(DeploymentRecordFilter(kind: .push, certificateID: certificate.id, limit: 10))
        let page = PushPage(
            layout: layout(
                title: "Push Certificate", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Push"),
                flash: request.flash),
            certificateID: certificate.id, certificateName: certificate.name, errors: errors,
            products: CloudProduct.allCases.map { SelectOption(value: $0.rawValue, label: "\($0.rawValue) — \($0.displayName)", selected: $0 == product) },
            regions: CloudProduct.regions.map { SelectOption(value: $0, label: $0, selected: $0 == region) },
            projects: try deployments.projects(of: product).map { SelectOption(value: $0, label: $0, selected: $0 == project) },
            pushed: pushed.map { PushPage.Pushed(product: $0.rawValue, configureHref: "/cloud/" + $0.rawValue.lowercased()) },
            records: records.items.map(Self.recordRow))
        return .html(templates.render(page, "push"), status: status)
    }

    func push(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let id = request.parameter("id")
        _ = try certificates.details(id: id, by: request.principal)
        guard let product = Self.product(form["product"]) else {
            return try showPush(&request, errors: FormErrors([Refusal.invalid("product", "Choose WAF, ELB, CDN or VOD.")]), status: 400)
        }
        do {
            try deployments.push(certificateID: id, product: product, region: form["region"] ?? "", project: form["project"] ?? "", by: request.principal)
            if request.request.wantsJSON { return .json(["pushed": product.rawValue]) }
            return try showPush(&request, pushed: product)
        } catch let refusal as Refusal {
            let reply = answer(to: refusal, in: request)
            if request.request.wantsJSON {
                return .json(["error_code": reply.code, "error_msg": refusal.message], status: reply.status)
            }
            return try showPush(&request, errors: FormErrors([refusal]), status: reply.status)
        }
    }

    // MARK: Records

    static func recordRow(_ record: DeploymentRecord) -> CloudRecordRow {
        CloudRecordRow(
            kind: record.kind == .deploy ? "Deploy" : "Push", at: formatDateTime(record.at), actor: record.actor,
            certificateName: record.certificateName, certificateHref: "/certificates/\(record.certificateID)",
            product: record.product.rawValue, region: record.region.isEmpty ? "global" : record.region, project: record.project,
            target: record.target, succeeded: record.succeeded, reason: record.reason)
    }

    func showCloudRecords(_ request: inout RequestContext) throws -> HTTPResponse {
        let query = request.request.query
        let kind = query["kind"].flatMap(DeploymentRecord.Kind.init(rawValue:))
        let product = Self.product(query["product"])
        // Only the two results filter; anything else is "any result", and stays out of the page links.
        let requestedResult = query["result"] ?? ""
        let result = ["success", "failure"].contains(requestedResult) ? requestedResult : ""
        let certificateID = (query["certificate_id"] ?? "").trimmingCharacters(in: .whitespaces)
        let paging = try PageRequest.parse(query)
        var filter = DeploymentRecordFilter(
            kind: kind, product: product, certificateID: certificateID.isEmpty ? nil : certificateID,
            succeeded: result == "success" ? true : result == "failure" ? false : nil, limit: paging.limit)
        filter.offset = paging.offset
        filter.projects = request.permissions.projects(allowing: .certList)
        let records = try deployments.records(filter)
        let filters = [
            ("kind", kind?.rawValue ?? ""), ("product", product?.rawValue ?? ""), ("result", result),
            ("certificate_id", certificateID),
        ]
        let pagination = Pagination(total: records.total, shown: records.items.count, request: paging) {
            paging.url("/cloud/records", filters: filters, page: $0)
        }
        let page = CloudRecordsPage(
            layout: cloudLayout(request, "Deploy and Push Records", crumbs: [Crumb(title: "Records", href: nil)]),
            kinds: [("", "Deploy and push"), ("deploy", "Deploy"), ("push", "Push")].map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == (kind?.rawValue ?? "")) },
            products: [SelectOption(value: "", label: "All products", selected: product == nil)]
                + CloudProduct.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue, selected: $0 == product) },
            results: [("", "Any result"), ("success", "Succeeded"), ("failure", "Failed")].map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == result) },
            certificateID: certificateID, rows: records.items.map(Self.recordRow), pagination: pagination,
            emptyMessage: pagination.emptyMessage("No records match."))
        return .html(templates.render(page, "cloud-records"), status: 200)
    }
}

struct CloudResourceRow {
    let id: String
    let kind: String
    let name: String
    let region: String
    let project: String
    let domains: String
    let httpsReady: Bool
    let certificateName: String
    let certificateHref: String?
    let serial: String
    let expiry: String
    let parent: String
    let deleteAction: String
}

/// `GET /cloud/{waf,elb,cdn,vod}`: a simulator's resources and the certificate each holds.
struct CloudProductPage {
    let layout: Layout
    let product: String
    let productName: String
    let path: String
    let regional: Bool
    let errors: FormErrors
    let regions: [SelectOption]
    let projects: [SelectOption]
    let kinds: [SelectOption]
    let addRegions: [SelectOption]
    let rows: [CloudResourceRow]
    let storeRows: [StoredCertificateRow]
}

/// One certificate of a product's certificate store (pushed there).
struct StoredCertificateRow {
    let certificateName: String
    let certificateHref: String?
    let region: String
    let project: String
    let domains: String
    let serial: String
    let expiry: String
    let pushedAt: String
}

/// `GET /certificates/{id}/deploy`: product → region → the covered targets; then the results.
struct DeployPage {
    struct Result {
        let target: String
        let deployed: Bool
        let reason: String
    }

    let layout: Layout
    let certificateID: String
    let certificateName: String
    let domains: String
    let products: [SelectOption]
    let regional: Bool
    let product: String
    let regions: [SelectOption]
    let region: String
    let targets: [CloudResourceRow]
    let errors: FormErrors
    let results: [Result]
    let productHref: String
}

/// `GET /certificates/{id}/push`: the push form and the latest 10 push records.
struct PushPage {
    struct Pushed {
        let product: String
        let configureHref: String
    }

    let layout: Layout
    let certificateID: String
    let certificateName: String
    let errors: FormErrors
    let products: [SelectOption]
    let regions: [SelectOption]
    let projects: [SelectOption]
    let pushed: Pushed?
    let records: [CloudRecordRow]
}

struct CloudRecordRow {
    let kind: String
    let at: String
    let actor: String
    let certificateName: String
    let certificateHref: String
    let product: String
    let region: String
    let project: String
    let target: String
    let succeeded: Bool
    let reason: String
}

/// `GET /cloud/records`: every deploy and push, filterable.
struct CloudRecordsPage {
    let layout: Layout
    let kinds: [SelectOption]
    let products: [SelectOption]
    let results: [SelectOption]
    let certificateID: String
    let rows: [CloudRecordRow]
    let pagination: Pagination
    let emptyMessage: String?
}

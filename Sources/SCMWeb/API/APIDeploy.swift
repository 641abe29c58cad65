import Foundation
import SCMCore
import SCMService

/// Push and deploy (scm-v3.md §4.3) through `DeploymentService`, onto the CDN, WAF and ELB
/// simulators (RULES.md §8); VOD has no API in SCM v3.
extension WebApp {
    static let deployServices = ["CDN", "WAF", "ELB"]

    private func targetService(_ value: String, field: String) throws -> String {
        guard Self.deployServices.contains(value) else {
            throw Refusal(.unsupportedService, "\(field) must be CDN, WAF or ELB, not \"\(value)\".", field: field)
        }
        return value
    }

    func apiPush(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let region = try body.requiredString("target_project")
        let service = try targetService(body.requiredString("target_service"), field: "target_service")
        let id = context.parameter("certificate_id")
        _ = try certificates.details(id: id, by: context.principal)
        try deployments.push(
            certificateID: id, product: CloudProduct(rawValue: service) ?? .cdn, region: region, project: "", by: context.principal,
            channel: .api)
        return .noContent
    }

    /// One push per region; `cert_id` is the copy each push made (scm-v3.md §4.3), empty where
    /// it was refused (a product takes a certificate once, so the regions after the first).
    func apiBatchPush(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        guard let projects = try body.strings("target_projects") else { throw APIError.badRequest("The mandatory field target_projects is missing.") }
        // At most 10: the schema (`BatchPushCertificateRequestBody`) checked it.
        guard !projects.isEmpty else { throw APIError.badRequest("target_projects holds 1 to 10 regions.") }
        let service = try targetService(body.requiredString("target_service"), field: "target_service")
        let id = context.parameter("certificate_id")
        _ = try certificates.details(id: id, by: context.principal)
        let product = CloudProduct(rawValue: service) ?? .cdn
        let results: [JSONValue] = try projects.map { region in
            do {
                let pushed = try deployments.push(
                    certificateID: id, product: product, region: region, project: "", by: context.principal, channel: .api)
                return ["project_name": .string(region), "cert_id": .string(pushed.copyID), "message": .string("Pushed to \(service).")]
            } catch let refusal as Refusal where refusal.code == .pushFailed {
                // No copy was made in this region.
                return ["project_name": .string(region), "cert_id": "", "message": .string(refusal.message)]
            }
        }
        return .ok(["results": .array(results)])
    }

    /// WAF resource modes (scm-v3.md §3): dedicated and cloud.
    static let wafResourceTypes = ["premium", "cloud"]

    func apiDeploy(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let region = try body.string("project_name") ?? ""
        let service = try targetService(body.requiredString("service_name"), field: "service_name")
        let resources = try body.requiredArray("resources")
        // At most 20: the schema (`DeployCertificateRequestBody`) checked it.
        guard !resources.isEmpty else { throw APIError.badRequest("resources holds 1 to 20 items.") }
        let product = CloudProduct(rawValue: service) ?? .cdn
        let targets = try resources.enumerated().map { index, item in
            try Self.deployTarget(JSONObject(item, what: "Each item of resources"), at: index, product: product)
        }
        let id = context.parameter("certificate_id")
        _ = try certificates.details(id: id, by: context.principal)
        let outcomes = try deployments.deploy(
            certificateID: id, product: product, region: region, targets: targets, by: context.principal, channel: .api)
        let failures: [JSONValue] = outcomes.compactMap { outcome in
            outcome.failure.map { ["resource": .string(outcome.target), "failure_info": .string($0)] }
        }
        return .ok(["failure_list": .array(failures)])
    }

    /// One DeployedResource: CDN names its domain, WAF and ELB their resource ID. `type` is WAF's
    /// only (premium or cloud); `enterprise_project_id`, when given, must be the resource's
    /// project, which `DeploymentService` checks along with the caller's right to deploy there.
    private static func deployTarget(_ resource: JSONObject, at index: Int, product: CloudProduct) throws -> DeploymentService.Target {
        let field = "resources[\(index)]"
        let id = try resource.string("id") ?? ""
        let domain = try resource.string("domain_name") ?? ""
        if let type = try resource.string("type"), !type.isEmpty {
            guard product == .waf else {
                throw APIError.badRequest("\(field).type applies to WAF resources only, not to \(product.rawValue).")
            }
            guard wafResourceTypes.contains(type) else {
                throw APIError.badRequest("\(field).type must be premium or cloud, not \"\(type)\".")
            }
        }
        var project: String?
        if let value = try resource.string("enterprise_project_id"), !value.isEmpty {
            guard value == "0" || APIFormat.isProjectUUID(value) || PurchaseRequest.isValidProject(value) else {
                throw APIError.badRequest("\(field).enterprise_project_id must be 0, a UUID or a project name, not \"\(value)\".")
            }
            project = APIFormat.project(fromAPI: value)
        }
        return .name(product == .cdn || id.isEmpty ? domain : id, project: project)
    }

    /// The SCM v3 shape: per certificate, per service, per region, the resources holding it.
    func apiDeployedResources(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        guard let ids = try body.strings("certificate_ids") else { throw APIError.badRequest("The mandatory field certificate_ids is missing.") }
        guard let services = try body.strings("service_names") else { throw APIError.badRequest("The mandatory field service_names is missing.") }
        for service in services where service != "ALL" { _ = try targetService(service, field: "service_names") }
        let products = Self.deployServices.filter { services.contains("ALL") || services.contains($0) }.compactMap(CloudProduct.init(rawValue:))
        for id in ids { _ = try certificates.details(id: id, by: context.principal) }
        let held = try deployments.deployedResources(certificateIDs: ids, products: products)
        let results: [JSONValue] = ids.map { id in
            let resources = held[id] ?? []
            let perService: [JSONValue] = products.compactMap { product in
                let mine = resources.filter { $0.product == product }
                guard !mine.isEmpty else { return nil }
                let regions = Dictionary(grouping: mine) { $0.region.isEmpty ? "global" : $0.region }
                let regionResources: [JSONValue] = regions.keys.sorted().map { region in
                    [
                        "region_id": .string(region), "is_error": false,
                        "resources": .array(regions[region]!.map { ["resource_id": .string(String($0.id)), "resource_name": .string($0.name)] }),
                    ]
                }
                return [
                    "service": .string(product.rawValue), "resource_num": .int(Int64(mine.count)),
                    "resource_location": .string(product.needsRegion ? "regional" : "global"), "region_resources": .array(regionResources),
                ]
            }
            let total = resources.filter { products.contains($0.product) }.count
            return ["certificate_id": .string(id), "total_num": .int(Int64(total)), "deployed_resources": .array(perService)]
        }
        return .ok(["results": .array(results)])
    }
}

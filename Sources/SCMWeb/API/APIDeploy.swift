import Foundation
import SCMCore
import SCMService

/// Push and deploy (scm-v3.md §4.3). No cloud product (CDN, WAF, ELB) is connected to this
/// installation yet, so after the request and the certificate's state pass their checks the
/// answer is a refusal that says so; the deployed-resources query truthfully finds none.
extension WebApp {
    static let deployServices = ["CDN", "WAF", "ELB"]

    private func targetService(_ value: String, field: String) throws -> String {
        guard Self.deployServices.contains(value) else {
            throw Refusal(.unsupportedService, "\(field) must be CDN, WAF or ELB, not \"\(value)\".", field: field)
        }
        return value
    }

    private func checked(_ operation: Certificate.Operation, _ context: RequestContext) throws {
        let certificate = try certificates.details(id: context.parameter("certificate_id"), by: context.principal).certificate
        try check(operation, on: certificate, now: self.context.clock.now, channel: .api)
    }

    private static let notConfigured = "push/deploy targets are not configured in this installation: no CDN, WAF or ELB is connected."

    func apiPush(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        _ = try body.requiredString("target_project")
        let service = try targetService(body.requiredString("target_service"), field: "target_service")
        try checked(.push, context)
        throw Refusal(.pushFailed, "Push to \(service) failed: " + Self.notConfigured)
    }

    func apiBatchPush(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        guard let projects = try body.strings("target_projects") else { throw APIError.badRequest("The mandatory field target_projects is missing.") }
        guard (1...10).contains(projects.count) else { throw APIError.badRequest("target_projects holds 1 to 10 regions.") }
        let service = try targetService(body.requiredString("target_service"), field: "target_service")
        try checked(.push, context)
        throw Refusal(.pushFailed, "Push to \(service) failed: " + Self.notConfigured)
    }

    func apiDeploy(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        _ = try body.string("project_name")
        let service = try targetService(body.requiredString("service_name"), field: "service_name")
        let resources = try body.requiredArray("resources")
        guard (1...20).contains(resources.count) else { throw APIError.badRequest("resources holds 1 to 20 items.") }
        for item in resources {
            let resource = try JSONObject(item, what: "Each item of resources")
            for field in ["id", "type", "domain_name", "enterprise_project_id"] { _ = try resource.string(field) }
        }
        try checked(.deploy, context)
        throw Refusal(.deployFailed, "Deploy to \(service) failed: " + Self.notConfigured)
    }

    func apiDeployedResources(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        guard let ids = try body.strings("certificate_ids") else { throw APIError.badRequest("The mandatory field certificate_ids is missing.") }
        guard let services = try body.strings("service_names") else { throw APIError.badRequest("The mandatory field service_names is missing.") }
        for service in services where service != "ALL" { _ = try targetService(service, field: "service_names") }
        let results: [JSONValue] = try ids.map { id in
            _ = try certificates.details(id: id, by: context.principal)
            return ["certificate_id": .string(id), "total_num": 0, "deployed_resources": []]
        }
        return .ok(["results": .array(results)])
    }
}

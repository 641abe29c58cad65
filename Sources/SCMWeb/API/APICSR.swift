import Foundation
import SCMCore
import SCMService
import SCMStore

/// The six CSR calls (scm-v3.md §4.4), on `CSRService` like the console's CSR pages.
extension WebApp {
    private var csrService: CSRService { CSRService(context: context) }

    func apiCreateCSR(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        var request = CSRService.NewCSR(
            name: try body.requiredString("name"), domainName: try body.requiredString("domain_name"),
            sans: try body.string("sans") ?? "", keyAlgorithm: try body.requiredString("private_key_algo"),
            usage: try body.requiredString("usage"))
        request.companyCountry = try body.string("company_country") ?? ""
        request.companyProvince = try body.string("company_province") ?? ""
        request.companyCity = try body.string("company_city") ?? ""
        request.companyName = try body.string("company_name") ?? ""
        return .ok(APIFormat.csr(try csrService.create(request, by: context.principal), includePEM: false))
    }

    func apiListCSR(_ context: inout RequestContext) throws -> APIResult {
        let limit = try context.pageLimit(context.queryInt("limit", range: 0...1000))
        let offset = try context.queryInt("offset", range: 0...Int(Int32.max)) ?? 0
        let page = try csrService.list(
            name: context.apiQuery["name"], keyAlgorithm: context.apiQuery["private_key_algo"], offset: offset, limit: limit,
            by: context.principal)
        return .ok(["csr_list": .array(page.items.map { APIFormat.csr($0) }), "total": .int(Int64(page.total))])
    }

    func apiShowCSR(_ context: inout RequestContext) throws -> APIResult {
        .ok(APIFormat.csr(try csrService.csr(id: context.parameter("id"), by: context.principal)))
    }

    func apiUpdateCSR(_ context: inout RequestContext) throws -> APIResult {
        let name = try context.jsonBody.requiredString("name")
        return .ok(APIFormat.csr(try csrService.rename(id: context.parameter("id"), name: name, by: context.principal)))
    }

    func apiDeleteCSR(_ context: inout RequestContext) throws -> APIResult {
        try csrService.delete(id: context.parameter("id"), by: context.principal)
        return .noContent
    }

    func apiUploadCSR(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let csr = try csrService.upload(
            name: try body.requiredString("name"), pem: try body.requiredString("csr"), privateKey: try body.string("private_key"),
            by: context.principal)
        return .ok(["id": .string(csr.id), "name": .string(csr.name), "create_time": .int(APIFormat.milliseconds(csr.createdAt))])
    }

    func apiCSRPrivateKey(_ context: inout RequestContext) throws -> APIResult {
        .ok(["private_key": .string(try csrService.privateKey(id: context.parameter("id"), by: context.principal))])
    }
}

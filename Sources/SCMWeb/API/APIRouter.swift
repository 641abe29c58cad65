import Foundation
import SCMCore
import SCMService
import SCMStore

/// One operation of the SCM v3 API (scm-v3.md §4): the route, its request and response schemas,
/// the error statuses it can answer, and its handler. The router, the request-body checks and
/// `/v3/scm/openapi.json` are all built from `WebApp.apiOperations`, so the description cannot
/// drift from what is served.
struct APIOperation: Sendable {
    typealias Handler = @Sendable (WebApp, inout RequestContext) throws -> APIResult

    let method: String
    /// OpenAPI style: `/v3/scm/certificates/{certificate_id}`.
    let path: String
    /// The SDK method name (`ScmClient.list_certificates`).
    let operationID: String
    let summary: String
    let tag: String
    let query: [APIField]
    /// The JSON body (an object or, for the notification switches, an array); nil: none.
    let request: APISchema?
    /// The success body; nil: 204 without a body.
    let response: APISchema?
    /// Error statuses besides 400, 401 and 403, which every operation can answer.
    let otherErrors: [Int]
    let handler: Handler

    init(
        _ method: String, _ path: String, _ operationID: String, _ summary: String, tag: String, query: [APIField] = [],
        request: APISchema? = nil, response: APISchema?, errors otherErrors: [Int] = [], handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.summary = summary
        self.tag = tag
        self.query = query
        self.request = request
        self.response = response
        self.otherErrors = otherErrors
        self.handler = handler
    }

    /// The router's pattern: `{name}` becomes `:name`.
    var routePattern: String {
        path.split(separator: "/").map { segment in
            segment.hasPrefix("{") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    /// Every status a refusal of this operation can have: bad input and wrong state (400), the
    /// signature (401), permissions (403), plus a missing resource (404) wherever the path names
    /// one, and what `otherErrors` adds.
    var errorStatuses: [Int] {
        Set([400, 401, 403] + (pathParameters.isEmpty ? [] : [404]) + otherErrors).sorted()
    }

    /// Checks the body against `request` before the handler reads it; an empty body is an empty
    /// object or array (scm-v3.md §1: the server must accept one where no field is mandatory).
    func checkBody(_ body: [UInt8]) throws {
        guard let request else { return }
        let isEmpty = body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let value: JSONValue
        if case .array = request.resolved {
            value = isEmpty ? .array([]) : try JSONValue.parse(body)
        } else {
            value = isEmpty ? .object([:]) : try JSONValue.parse(body)
        }
        try request.validate(value, what: "The request body")
    }
}

/// What a handler answers: a status and an optional JSON body (204 has none).
struct APIResult {
    let status: Int
    let body: JSONValue?

    static func ok(_ body: JSONValue) -> APIResult { APIResult(status: 200, body: body) }
    static let noContent = APIResult(status: 204, body: nil)
}

extension WebApp {
    /// Registers every API operation (they must come before the dashboard's routes) and the
    /// OpenAPI document, which needs no signature so the help can link to it.
    func addAPIRoutes(_ router: inout Router) {
        router.add("GET", "v3/scm/openapi.json", access: .anonymous) { _ in
            HTTPResponse(
                status: 200, headers: [("Content-Type", "application/json")], body: Self.openAPIDocument().serialized)
        }
        addAccessKeyRoutes(&router)
        for operation in Self.apiOperations {
            router.add(
                operation.method, operation.routePattern, access: .apiSignature,
                action: Self.apiAction(operation.operationID)
            ) { context in
                try operation.checkBody(context.request.body)
                return try operation.handler(self, &context).response
            }
        }
    }

    /// Authenticates an API request by its SDK-HMAC-SHA256 signature (sdk-auth.md §5), then runs
    /// it as the access key's user; every error is the JSON of scm-v3.md §2.
    func respondToAPI(_ request: HTTPRequest, route: Router.Route, parameters: [String: String], requestID: String)
        -> HTTPResponse
    {
        let keys = AccessKeyService(context: context)
        let user: User
        var found: User?
        do {
            let accessKey = try SDKSignature.verify(request, now: context.clock.now) { accessKey in
                guard let credentials = try keys.credentials(for: accessKey) else { return nil }
                found = credentials.user
                return credentials.secret
            }
            guard let signedUser = found else { throw SDKSignature.Failure(reason: SDKSignature.signatureMismatch) }
            user = signedUser
            try keys.noteUse(accessKey)
        } catch let failure as SDKSignature.Failure {
            auditSignatureFailure(failure, request: request, route: route, parameters: parameters, keyOwner: found)
            return .json(
                [
                    "error_code": "APIGW.0301",
                    "error_msg": "Incorrect IAM authentication information: \(failure.reason)",
                    "request_id": requestID,
                ], status: 401)
        } catch {
            return apiFailure(error, request: request, requestID: requestID)
        }
        var requestContext = RequestContext(
            request: request, parameters: parameters, session: nil, requestID: requestID, flash: nil)
        requestContext.apiUser = user
        requestContext.route = route
        do {
            // The same evaluator as the console, with the key's user (RULES.md §9): SCM.0003, 403.
            requestContext.permissions = try IAMService(context: context).permissions(for: user)
            try authorize(route, parameters: parameters, permissions: requestContext.permissions)
            return try route.handler(&requestContext)
        } catch let error as APIError {
            return .json(["error_code": error.code, "error_msg": error.message], status: error.status)
        } catch let list as RefusalList {
            let reply = answer(to: list.refusals, in: requestContext)
            return .json(
                ["error_code": reply.code, "error_msg": list.refusals.map(\.message).joined(separator: " ")],
                status: reply.status)
        } catch let refusal as Refusal {
            let reply = answer(to: refusal, in: requestContext)
            return .json(["error_code": reply.code, "error_msg": refusal.message], status: reply.status)
        } catch {
            return apiFailure(error, request: request, requestID: requestID)
        }
    }

    private func apiFailure(_ error: Error, request: HTTPRequest, requestID: String) -> HTTPResponse {
        context.logger.error(
            "API request failed",
            metadata: ["request_id": "\(requestID)", "path": "\(request.rawPath)", "error": "\(error)"])
        return .json(
            [
                "error_code": RefusalAnswer.serverError.code,
                "error_msg": "Something went wrong on the server. Request ID: \(requestID).",
            ],
            status: RefusalAnswer.serverError.status)
    }
}

extension APIResult {
    var response: HTTPResponse {
        guard let body else { return HTTPResponse(status: status) }
        return HTTPResponse(
            status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            body: body.serialized)
    }
}

extension RequestContext {
    /// The query as its signature covered it (sdk-auth.md §4 step 4): percent-decoded, a `+`
    /// a plus. Read as a form would (`+` a space), `name=a+b` would be signed as one value and
    /// acted on as another.
    var apiQuery: FormData { FormData(urlEncoded: request.rawQuery, plusIsSpace: false) }

    /// The JSON object body of an API call; an empty body is an empty object.
    var jsonBody: JSONObject {
        get throws { try JSONObject(body: request.body) }
    }

    /// A query parameter that must be one of `allowed` (case-sensitive, as the SDK sends them).
    func queryChoice(_ name: String, _ allowed: [String]) throws -> String? {
        guard let value = apiQuery[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.badRequest(
                "The query parameter \(name) must be one of \(allowed.joined(separator: ", ")), not \"\(value)\".")
        }
        return value
    }

    func queryInt(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = apiQuery[name] else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw APIError.badRequest(
                "The query parameter \(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(value)\"."
            )
        }
        return number
    }

    func queryBool(_ name: String) throws -> Bool? {
        guard let value = apiQuery[name] else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default: throw APIError.badRequest("The query parameter \(name) must be true or false, not \"\(value)\".")
        }
    }

    /// `limit` is 10, 20 or 50 (scm-v3.md §1 Pagination).
    func pageLimit(_ value: Int?) throws -> Int {
        guard let value else { return 10 }
        guard CertificateListQuery.pageSizes.contains(value) else {
            throw APIError.badRequest("limit must be 10, 20 or 50, not \(value).")
        }
        return value
    }
}

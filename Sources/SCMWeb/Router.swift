import SCMCore

/// Method + path pattern → handler. Patterns are segment lists where `:name` captures one
/// decoded segment. Routes are tried in order, so literal routes go before captures.
struct Router: Sendable {
    typealias Handler = @Sendable (inout RequestContext) throws -> HTTPResponse

    struct Route: Sendable {
        let method: String
        let pattern: [String]
        let access: Access
        /// What the caller must be allowed to do (RULES.md §9), checked by `WebApp.respond`
        /// before the handler runs; nil only for routes open to every signed-in user.
        let action: Action?
        let handler: Handler

        /// The capture holding the id of the one certificate the route acts on, whose enterprise
        /// project `WebApp.authorize` checks the action against: the console's `certificates/:id/…`
        /// and the API's `{certificate_id}`, `{cert_id}` and `{resource_id}` (scm-v3.md §4).
        var certificateCapture: String? {
            for (index, segment) in pattern.enumerated() where segment.hasPrefix(":") {
                let name = String(segment.dropFirst())
                if Self.apiCertificateCaptures.contains(name) || (index > 0 && pattern[index - 1] == "certificates") {
                    return name
                }
            }
            return nil
        }

        private static let apiCertificateCaptures: Set<String> = ["certificate_id", "cert_id", "resource_id"]
    }

    enum Access: Sendable {
        /// Login page, health check: no session needed.
        case anonymous
        /// Every other page: a signed-in user.
        case signedIn
        /// The SCM v3 API: an SDK-HMAC-SHA256 signature by an access key, no cookie, no CSRF.
        case apiSignature
    }

    private(set) var routes: [Route] = []

    mutating func add(
        _ method: String, _ path: String, access: Access = .signedIn, action: Action? = nil, _ handler: @escaping Handler
    ) {
        routes.append(
            Route(
                method: method, pattern: path.split(separator: "/").map(String.init), access: access, action: action,
                handler: handler))
    }

    enum Match {
        case found(Route, [String: String])
        /// The path exists with other methods.
        case methodNotAllowed
        case notFound
    }

    func match(method: String, segments: [String]) -> Match {
        var pathExists = false
        for route in routes where route.pattern.count == segments.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (pattern, segment) in zip(route.pattern, segments) {
                if pattern.hasPrefix(":") {
                    parameters[String(pattern.dropFirst())] = segment
                } else if pattern != segment {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters)
            }
            pathExists = true
        }
        return pathExists ? .methodNotAllowed : .notFound
    }
}

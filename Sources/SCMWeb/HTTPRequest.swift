import Foundation

/// A request as the FastCGI params describe it. The path and query are the raw bytes of
/// REQUEST_URI (never nginx's decoded `$uri`), because the API signature is computed over them.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded.
    public var rawPath: String
    /// The query as sent, without the `?`.
    public var rawQuery: String
    /// Header names lowercased; CONTENT_TYPE and CONTENT_LENGTH included.
    public var headers: [String: String]
    public var body: [UInt8]
    public var remoteAddress: String
    public var isHTTPS: Bool

    public init(
        method: String, uri: String, headers: [String: String] = [:], body: [UInt8] = [], remoteAddress: String = "",
        isHTTPS: Bool = false
    ) {
        self.method = method.uppercased()
        if let mark = uri.firstIndex(of: "?") {
            rawPath = String(uri[..<mark])
            rawQuery = String(uri[uri.index(after: mark)...])
        } else {
            rawPath = uri
            rawQuery = ""
        }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.isHTTPS = isHTTPS
    }

    /// The decoded path segments, for routing.
    public var pathSegments: [String] {
        rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
    }

    /// Decoded query parameters; `+` is a space here as in HTML forms. The API reads its signed
    /// query with `RequestContext.apiQuery` instead.
    public var query: FormData { FormData(urlEncoded: rawQuery) }

    /// The body as an HTML form (application/x-www-form-urlencoded), or the text fields of a
    /// multipart/form-data body (whose files `MultipartForm` gives), so the CSRF token is found either way.
    public var form: FormData {
        if contentType.hasPrefix("multipart/form-data") {
            return MultipartForm(contentType: headers["content-type"] ?? "", body: body)?.fields ?? FormData(urlEncoded: "")
        }
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else { return FormData(urlEncoded: "") }
        return FormData(urlEncoded: String(decoding: body, as: UTF8.self))
    }

    public var contentType: String { headers["content-type"]?.lowercased() ?? "" }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var cookies: [String: String] {
        guard let header = headers["cookie"] else { return [:] }
        var cookies: [String: String] = [:]
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            if cookies[name] == nil { cookies[name] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return cookies
    }

    /// A client that wants JSON (curl scripts, the dashboard's fetches) rather than a page.
    public var wantsJSON: Bool {
        (headers["accept"] ?? "").contains("application/json")
    }
}

/// Decoded `name=value` pairs, in order, with repeated names kept.
public struct FormData: Sendable {
    public private(set) var pairs: [(String, String)]

    /// `plusIsSpace`: HTML forms write a space as `+`; a signed API query does not (sdk-auth.md
    /// §4 step 4), and must be read as it was signed.
    public init(urlEncoded text: String, plusIsSpace: Bool = true) {
        pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = plusIsSpace ? s.replacingOccurrences(of: "+", with: " ") : String(s)
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    public init(pairs: [(String, String)]) { self.pairs = pairs }

    public subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    public func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
    public func has(_ name: String) -> Bool { pairs.contains { $0.0 == name } }
}

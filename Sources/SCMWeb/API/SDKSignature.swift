import Foundation
import SCMPKI

/// SDK-HMAC-SHA256, the signature of the Huawei Cloud SDKs (sdk-auth.md §4), computed from the
/// request exactly as it arrived: the raw path and query of REQUEST_URI, the headers the client
/// listed in SignedHeaders, and the body bytes as read.
enum SDKSignature {
    static let algorithm = "SDK-HMAC-SHA256"
    /// A request signed further from the server's clock than this is refused (sdk-auth.md §3).
    static let allowedSkew: TimeInterval = 15 * 60
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Why a request's signature was not accepted; `reason` ends up after "Incorrect IAM
    /// authentication information: " in the 401 body, `detail` (when the caller may not learn it,
    /// such as whether an access key exists) only in the audit log.
    struct Failure: Error, Equatable {
        let reason: String
        var detail: String? = nil
    }

    /// The one answer for a wrong signature and for an access key that does not exist or is
    /// disabled, so the 401 does not tell a prober which keys exist.
    static let signatureMismatch = "verify aksk signature fail"

    /// The three fields of `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
    struct Authorization: Equatable {
        let accessKey: String
        let signedHeaders: [String]
        let signature: String

        /// Exactly sdk-auth.md §5's pattern: separators `", "`, a 64-digit lowercase hex signature.
        init(header: String) throws(Failure) {
            let prefix = algorithm + " Access="
            guard header.hasPrefix(prefix) else {
                throw Failure(reason: "the Authorization header is not an \(algorithm) signature")
            }
            let fields = header.dropFirst(prefix.count).components(separatedBy: ", ")
            guard fields.count == 3, fields[1].hasPrefix("SignedHeaders="), fields[2].hasPrefix("Signature=") else {
                throw Failure(reason: "the Authorization header is malformed")
            }
            let access = fields[0]
            let headers = String(fields[1].dropFirst("SignedHeaders=".count))
            let signature = String(fields[2].dropFirst("Signature=".count))
            guard !access.isEmpty, !access.contains(","), !headers.isEmpty, !headers.contains(","),
                signature.count == 64, signature.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
            else { throw Failure(reason: "the Authorization header is malformed") }
            accessKey = access
            signedHeaders = headers.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            self.signature = signature
        }
    }

    /// Checks `request`'s signature with the secret that `secret(accessKey)` returns (nil for an
    /// unknown or disabled key) at time `now`; returns the access key on success.
    static func verify(_ request: HTTPRequest, now: Date, secret: (String) throws -> String?) throws -> String {
        guard let header = request.header("authorization") else {
            throw Failure(reason: "the request is not signed (no Authorization header)")
        }
        let authorization = try Authorization(header: header)
        let signed = Set(authorization.signedHeaders)
        guard signed.contains("host"), signed.contains("x-sdk-date") else {
            throw Failure(reason: "SignedHeaders must include host and x-sdk-date")
        }
        guard let dateText = request.header("x-sdk-date"), let date = parseDate(dateText) else {
            throw Failure(reason: "X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ")
        }
        guard abs(date.timeIntervalSince(now)) <= allowedSkew else {
            throw Failure(
                reason: "signature expired: X-Sdk-Date \(dateText) is more than 15 minutes from the server time \(format(now))")
        }
        let key = try secret(authorization.accessKey)
        let canonical = try canonicalRequest(request, signedHeaders: authorization.signedHeaders)
        // Computed for an unknown key too, so the answer takes as long either way.
        let expected = signature(secret: key ?? "", stringToSign: stringToSign(date: dateText, canonicalRequest: canonical))
        guard key != nil else {
            throw Failure(reason: signatureMismatch, detail: "the access key does not exist or is disabled")
        }
        guard Digest.constantTimeEquals(Array(expected.utf8), Array(authorization.signature.utf8)) else {
            throw Failure(reason: signatureMismatch)
        }
        return authorization.accessKey
    }

    // MARK: The algorithm, step by step (sdk-auth.md §4)

    static func canonicalRequest(_ request: HTTPRequest, signedHeaders: [String]) throws(Failure) -> String {
        // The SDK sends UNSIGNED-PAYLOAD only for bodies that are not JSON; every SCM call is
        // JSON, and a body left out of the signature could be replaced on the way.
        if request.headers["x-sdk-content-sha256"] == "UNSIGNED-PAYLOAD", !request.body.isEmpty {
            throw Failure(reason: "X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is not accepted; the body must be signed (SCM calls are JSON)")
        }
        guard let uri = canonicalURI(request.rawPath) else { throw Failure(reason: "the request path is not valid percent-encoding") }
        guard let query = canonicalQuery(request.rawQuery) else {
            throw Failure(reason: "the query string is not valid percent-encoding")
        }
        var headerBlock = ""
        for name in signedHeaders {
            guard let value = request.headers[name] else {
                throw Failure(reason: "the signed header \(name) did not arrive with the request")
            }
            headerBlock += name + ":" + value.trimmingCharacters(in: .whitespaces) + "\n"
        }
        return [
            request.method, uri, query, headerBlock, signedHeaders.joined(separator: ";"),
            payloadHash(request),
        ].joined(separator: "\n")
    }

    /// Decoded as a whole, then split on `/` (so `%2F` becomes a separator), each segment
    /// re-encoded, and a trailing `/` added.
    static func canonicalURI(_ rawPath: String) -> String? {
        guard let decoded = rawPath.removingPercentEncoding else { return nil }
        let encoded = decoded.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }
            .joined(separator: "/")
        return encoded.hasSuffix("/") ? encoded : encoded + "/"
    }

    /// Pairs decoded (`+` stays a plus, as `RequestContext.apiQuery` reads it), sorted by name
    /// then value, re-encoded, joined by `&`.
    static func canonicalQuery(_ rawQuery: String) -> String? {
        var pairs: [(String, String)] = []
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).removingPercentEncoding,
                let value = parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
            else { return nil }
            pairs.append((name, value))
        }
        pairs.sort { lhs, rhs in
            lhs.0 != rhs.0 ? Array(lhs.0.utf8).lexicographicallyPrecedes(Array(rhs.0.utf8))
                : Array(lhs.1.utf8).lexicographicallyPrecedes(Array(rhs.1.utf8))
        }
        return pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// SHA-256 of the body as read (an unsigned body is refused by `canonicalRequest`).
    static func payloadHash(_ request: HTTPRequest) -> String {
        request.body.isEmpty ? emptyPayloadHash : Digest.sha256Hex(request.body)
    }

    static func stringToSign(date: String, canonicalRequest: String) -> String {
        algorithm + "\n" + date + "\n" + Digest.sha256Hex(Array(canonicalRequest.utf8))
    }

    /// No key derivation: the SK itself is the HMAC key (sdk-auth.md §4 step 9).
    static func signature(secret: String, stringToSign: String) -> String {
        Digest.hmacSHA256Hex(key: Array(secret.utf8), message: Array(stringToSign.utf8))
    }

    /// RFC 3986 unreserved characters stay; every other UTF-8 byte becomes `%XX` (uppercase).
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC, strictly.
    static func parseDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            let slice = bytes[range]
            guard slice.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(String(decoding: slice, as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

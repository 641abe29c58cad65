import Foundation
import SCMPKI
import Testing

@testable import SCMWeb

/// SDK-HMAC-SHA256 against the worked examples of sdk-auth.md §6, computed by the SDK's own Signer.
struct APISignatureTests {
    static let accessKey = "HPUAEXAMPLEAK0000001"
    static let secret = "ExampleSecretKey0000000000000000000000001"
    static let date = "20250101T120000Z"
    static let signingTime = SDKSignature.parseDate(date)!

    static func request(_ method: String, _ uri: String, body: String = "", signature: String) -> HTTPRequest {
        var headers = [
            "content-type": "application/json", "host": "127.0.0.1:8080", "user-agent": "huaweicloud-usdk-python/3.0; probe",
            "x-domain-id": "0123456789abcdef0123456789abcdef", "x-sdk-date": date,
            "accept": "*/*", "connection": "keep-alive",
            "authorization":
                "SDK-HMAC-SHA256 Access=\(accessKey), SignedHeaders=content-type;host;user-agent;x-domain-id;x-sdk-date, Signature=\(signature)",
        ]
        if !body.isEmpty { headers["content-length"] = String(body.utf8.count) }
        return HTTPRequest(method: method, uri: uri, headers: headers, body: Array(body.utf8))
    }

    static let signedHeaders = ["content-type", "host", "user-agent", "x-domain-id", "x-sdk-date"]

    @Test func exampleA() throws {
        let request = Self.request(
            "GET", "/v3/scm/certificates?limit=10&offset=0&status=ISSUED",
            signature: "132931dd96c2208559cae2feaa1ff8e3d03a9e0240bcfd5497175490497d852f")
        let canonical = try SDKSignature.canonicalRequest(request, signedHeaders: Self.signedHeaders)
        #expect(
            canonical == """
                GET
                /v3/scm/certificates/
                limit=10&offset=0&status=ISSUED
                content-type:application/json
                host:127.0.0.1:8080
                user-agent:huaweicloud-usdk-python/3.0; probe
                x-domain-id:0123456789abcdef0123456789abcdef
                x-sdk-date:20250101T120000Z

                content-type;host;user-agent;x-domain-id;x-sdk-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        let toSign = SDKSignature.stringToSign(date: Self.date, canonicalRequest: canonical)
        #expect(toSign == "SDK-HMAC-SHA256\n20250101T120000Z\nf851356775517cc33bd9112fde6ee781a1a50677395d55e35252718955073266")
        #expect(SDKSignature.signature(secret: Self.secret, stringToSign: toSign) == "132931dd96c2208559cae2feaa1ff8e3d03a9e0240bcfd5497175490497d852f")
        let verified = try SDKSignature.verify(request, now: Self.signingTime) { $0 == Self.accessKey ? Self.secret : nil }
        #expect(verified == Self.accessKey)
    }

    @Test func exampleB() throws {
        let body = #"{"target_project": "cn-north-4", "target_service": "CDN"}"#
        #expect(body.utf8.count == 57)
        #expect(Digest.sha256Hex(Array(body.utf8)) == "b2a84163c19b5c99935845d1cecd28eaa06f0b005fa640ae8f024f4fdb3c62ed")
        let request = Self.request(
            "POST", "/v3/scm/certificates/scs1700000000001/push", body: body,
            signature: "ebc2367581ecd56f61280e84e3907f8be3470323831edfaf92832382a75af6fd")
        let canonical = try SDKSignature.canonicalRequest(request, signedHeaders: Self.signedHeaders)
        #expect(Digest.sha256Hex(Array(canonical.utf8)) == "89152a043505d6552ea9b5da907cc5221405674765cf2aff4933fb435dcc3e80")
        _ = try SDKSignature.verify(request, now: Self.signingTime.addingTimeInterval(15 * 60)) { _ in Self.secret }
    }

    @Test func tamperedBodyWrongSecretAndSkewAreRefused() {
        let body = #"{"target_project": "cn-north-4", "target_service": "WAF"}"#
        let request = Self.request(
            "POST", "/v3/scm/certificates/scs1700000000001/push", body: body,
            signature: "ebc2367581ecd56f61280e84e3907f8be3470323831edfaf92832382a75af6fd")
        #expect(throws: SDKSignature.Failure(reason: "verify aksk signature fail")) {
            try SDKSignature.verify(request, now: Self.signingTime) { _ in Self.secret }
        }
        let exampleA = Self.request(
            "GET", "/v3/scm/certificates?limit=10&offset=0&status=ISSUED",
            signature: "132931dd96c2208559cae2feaa1ff8e3d03a9e0240bcfd5497175490497d852f")
        #expect(throws: SDKSignature.Failure(reason: "verify aksk signature fail")) {
            try SDKSignature.verify(exampleA, now: Self.signingTime) { _ in Self.secret + "x" }
        }
        #expect(throws: SDKSignature.Failure.self) {
            try SDKSignature.verify(exampleA, now: Self.signingTime.addingTimeInterval(15 * 60 + 1)) { _ in Self.secret }
        }
        // An unknown or disabled key answers exactly like a wrong secret; only the audit log knows.
        #expect(throws: SDKSignature.Failure(reason: "verify aksk signature fail", detail: "the access key does not exist or is disabled")) {
            try SDKSignature.verify(exampleA, now: Self.signingTime) { _ in nil }
        }
    }

    /// sdk-auth.md §6 example C's shape: no SCM call needs an unsigned body, so none is taken.
    @Test func unsignedPayloadWithABodyIsRefused() {
        var request = Self.request(
            "POST", "/v3/scm/certificates/scs1700000000001/push", body: #"{"target_project": "cn-north-4"}"#,
            signature: String(repeating: "0", count: 64))
        request.headers["x-sdk-content-sha256"] = "UNSIGNED-PAYLOAD"
        request.headers["authorization"] = request.headers["authorization"]!.replacingOccurrences(
            of: "x-domain-id;x-sdk-date", with: "x-domain-id;x-sdk-content-sha256;x-sdk-date")
        #expect(throws: SDKSignature.Failure(reason: "X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is not accepted; the body must be signed (SCM calls are JSON)")) {
            try SDKSignature.verify(request, now: Self.signingTime) { _ in Self.secret }
        }
        // Without a body the header changes nothing: the empty payload hash is signed as always.
        let empty = HTTPRequest(method: "GET", uri: "/v3/scm/certificates", headers: ["x-sdk-content-sha256": "UNSIGNED-PAYLOAD"], body: [])
        #expect(SDKSignature.payloadHash(empty) == SDKSignature.emptyPayloadHash)
    }

    /// What is signed is what is read: the API's query keeps `+` a plus, as the canonical query does.
    @Test(arguments: ["name=a+b", "name=a%2Bb&limit=10", "name=a%20b+c", "q=1+1%3D2&b=%E4%B8%AD"])
    func apiQueryReadsWhatTheSignatureCovered(rawQuery: String) throws {
        let request = HTTPRequest(method: "GET", uri: "/v3/scm/csr?" + rawQuery, headers: [:], body: [])
        let context = RequestContext(request: request, parameters: [:], session: nil, requestID: "r", flash: nil)
        let read = context.apiQuery.pairs.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { SDKSignature.encode($0.0) + "=" + SDKSignature.encode($0.1) }.joined(separator: "&")
        #expect(read == SDKSignature.canonicalQuery(rawQuery))
        if rawQuery == "name=a+b" { #expect(context.apiQuery["name"] == "a+b") }
    }

    @Test func canonicalURIDecodesBeforeSplitting() {
        #expect(SDKSignature.canonicalURI("/v3/scm/certificates/a%20b%2Fc") == "/v3/scm/certificates/a%20b/c/")
        #expect(SDKSignature.canonicalURI("/v3/scm/") == "/v3/scm/")
        #expect(SDKSignature.canonicalURI("/bad%zz") == nil)
    }

    @Test func canonicalQuerySortsDecodedPairsAndKeepsPlus() {
        #expect(SDKSignature.canonicalQuery("b=2&a=x%20y&a=1&c=") == "a=1&a=x%20y&b=2&c=")
        #expect(SDKSignature.canonicalQuery("q=a+b") == "q=a%2Bb")
        #expect(SDKSignature.canonicalQuery("") == "")
    }

    @Test func authorizationHeaderIsParsedStrictly() throws {
        let parsed = try SDKSignature.Authorization(
            header: "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + String(repeating: "a", count: 64))
        #expect(parsed.accessKey == "AK")
        #expect(parsed.signedHeaders == ["host", "x-sdk-date"])
        for bad in [
            "SDK-HMAC-SHA256 Access=AK,SignedHeaders=host, Signature=" + String(repeating: "a", count: 64),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + String(repeating: "A", count: 64),
            "V11-HMAC-SHA256 Credential=AK/20250101/x/y, SignedHeaders=host, Signature=abc",
        ] {
            #expect(throws: SDKSignature.Failure.self) { try SDKSignature.Authorization(header: bad) }
        }
    }

    @Test func dateFormatIsStrict() {
        #expect(SDKSignature.parseDate("20250101T120000Z") != nil)
        #expect(SDKSignature.parseDate("20250230T120000Z") == nil)
        #expect(SDKSignature.parseDate("2025-01-01T12:00:00Z") == nil)
        #expect(SDKSignature.format(SDKSignature.parseDate("20250101T120000Z")!) == "20250101T120000Z")
    }
}

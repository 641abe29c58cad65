import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// The API in-process: an access key made through the console page, requests signed like the SDK.
struct APITests {
    let browser: ConsoleBrowser
    let accessKey: String
    let secret: String

    init() throws {
        browser = try ConsoleBrowser()
        let created = browser.post("/users/access-keys", json: true)
        #expect(created.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(created.html.utf8)) as? [String: Any])
        accessKey = try #require(json["access_key"] as? String)
        secret = try #require(json["secret_key"] as? String)
    }

    /// Signs as the SDK does (sdk-auth.md §4) with the test's fixed clock.
    func call(_ method: String, _ uri: String, body: String = "", secret: String? = nil) -> (status: Int, json: Any?, headers: [(String, String)]) {
        let date = SDKSignature.format(browser.clock.now)
        var headers = ["content-type": "application/json", "host": "scm.test", "x-sdk-date": date]
        var request = HTTPRequest(method: method, uri: uri, headers: headers, body: Array(body.utf8))
        let signed = ["content-type", "host", "x-sdk-date"]
        let canonical = try! SDKSignature.canonicalRequest(request, signedHeaders: signed)
        let signature = SDKSignature.signature(
            secret: secret ?? self.secret, stringToSign: SDKSignature.stringToSign(date: date, canonicalRequest: canonical))
        headers["authorization"] = "SDK-HMAC-SHA256 Access=\(accessKey), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
        request.headers = headers
        let response = browser.app.handle(request)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]), response.headers)
    }

    @Test func buyListShowAndErrors() throws {
        let bought = call(
            "POST", "/v3/scm/certificates/buy",
            body: #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 2, "agree_privacy_protection": true}"#)
        #expect(bought.status == 200)
        let certs = try #require((bought.json as? [String: Any])?["cert"] as? [[String: Any]])
        #expect(certs.count == 2)
        let id = try #require(certs.first?["cert_id"] as? String)

        let list = call("GET", "/v3/scm/certificates?limit=10&offset=0&status=PAID")
        #expect(list.status == 200)
        #expect((list.json as? [String: Any])?["total_count"] as? Int == 2)
        #expect(list.headers.contains { $0.0 == "X-Request-Id" })

        let shown = try #require(call("GET", "/v3/scm/certificates/\(id)").json as? [String: Any])
        #expect(shown["status"] as? String == "PAID")
        #expect(shown["validity_period"] as? Int == 12)

        #expect(call("GET", "/v3/scm/certificates?limit=30").status == 400)
        let missing = call("POST", "/v3/scm/certificates/buy", body: #"{"cert_brand": "GEOTRUST"}"#)
        #expect(missing.status == 400)
        #expect((missing.json as? [String: Any])?["error_msg"] as? String == "The mandatory field cert_type is missing.")
        let wrongType = call(
            "POST", "/v3/scm/certificates/buy",
            body: #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": "true"}"#)
        #expect((wrongType.json as? [String: Any])?["error_msg"] as? String
            == "The field agree_privacy_protection must be a JSON boolean (true or false), not a string.")
        #expect(call("POST", "/v3/scm/certificates/buy", body: "{not json").status == 400)
        let unknown = call("GET", "/v3/scm/certificates/scs0000000000000")
        #expect(unknown.status == 404)
        #expect((unknown.json as? [String: Any])?["error_code"] as? String == "SCM.0020")
    }

    @Test func wrongSecretIsTheGatewayError() throws {
        let refused = call("GET", "/v3/scm/certificates", secret: "not-the-secret")
        #expect(refused.status == 401)
        let body = try #require(refused.json as? [String: Any])
        #expect(body["error_code"] as? String == "APIGW.0301")
        let requestID = try #require(refused.headers.first { $0.0 == "X-Request-Id" }?.1)
        #expect(body["request_id"] as? String == requestID)
    }

    /// A denied key export and a failed signature are audited: the action, the key named, never
    /// the signature or the secret.
    @Test func refusalsAreAudited() throws {
        let bought = call(
            "POST", "/v3/scm/certificates/buy",
            body: #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": true}"#)
        let id = try #require(((bought.json as? [String: Any])?["cert"] as? [[String: Any]])?.first?["cert_id"] as? String)
        try browser.move(to: "auditors")
        #expect(call("POST", "/v3/scm/certificates/\(id)/export").status == 403)
        #expect(call("GET", "/v3/scm/certificates/\(id)", secret: "not-the-secret").status == 401)

        let refused = try browser.context.database.read { try $0.auditEvents(AuditQuery(result: .refused)) }.events
        let export = try #require(refused.first { $0.action == "scm:cert:download" })
        #expect(export.actor == "alice" && export.target == id)
        #expect(export.detail.contains("none of your policies allows scm:cert:download"))
        let signature = try #require(refused.first { $0.action == "scm:cert:get" })
        #expect(signature.actor == "alice" && signature.target == id)
        #expect(signature.detail.contains("access key \(accessKey)") && signature.detail.contains("signature"))
        for event in refused {
            #expect(!event.detail.contains(secret) && !event.detail.contains("Signature="))
        }
    }

    @Test func disabledKeyIsRefusedAndAtMostTwoKeys() throws {
        #expect(browser.post("/users/access-keys", json: true).status == 200)
        #expect(browser.post("/users/access-keys", json: true).status == 409)
        #expect(browser.post("/users/access-keys/\(accessKey)/disable").status == 303)
        #expect(call("GET", "/v3/scm/certificates").status == 401)
        #expect(browser.post("/users/access-keys/\(accessKey)/enable").status == 303)
        #expect(call("GET", "/v3/scm/certificates").status == 200)
        let page = browser.get("/users/access-keys")
        #expect(page.status == 200 && page.html.contains(accessKey) && !page.html.contains(secret))
    }

    @Test func tagsAndNotification() throws {
        let bought = call(
            "POST", "/v3/scm/certificates/buy",
            body: #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": true}"#)
        let id = try #require(((bought.json as? [String: Any])?["cert"] as? [[String: Any]])?.first?["cert_id"] as? String)
        #expect(call("POST", "/v3/scm/\(id)/tags", body: #"{"tag": {"key": "env", "value": "prod"}}"#).status == 200)
        #expect(call("POST", "/v3/scm/\(id)/tags", body: #"{"tag": {"key": "", "value": "x"}}"#).status == 400)
        let found = try #require(
            call("POST", "/v3/scm/resource_instances/action", body: #"{"action": "filter", "tags": [{"key": "env", "values": ["prod"]}]}"#)
                .json as? [String: Any])
        #expect(found["total_count"] as? Int == 1)
        #expect(call("POST", "/v3/scm/notification/disable", body: #"[{"resource_id": "\#(id)", "notice_type": ["CERT_EXPIRING"]}]"#).status == 200)
        let certificate = try #require(try browser.context.database.read { try $0.certificate(id: id) })
        #expect(!certificate.notifyExpiring && certificate.notifyExpired)
        #expect(call("POST", "/v3/scm/notification/enable", body: #"{"resource_id": "x"}"#).status == 400)
    }

    /// The request schema's checks, with the messages `JSONObject` gives a handler.
    @Test func requestBodiesAreCheckedAgainstTheSchema() throws {
        let schema = APISchema.object([
            APIField("name", .string, required: true), APIField("sizes", .array(.integer, maxItems: 2)),
            APIField("tags", .array(.model("ScsResourceTag"))),
        ])
        func message(_ json: String) -> String? {
            do {
                try schema.validate(try JSONValue.parse(Array(json.utf8)), what: "The request body")
                return nil
            } catch let error as APIError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"name": "a", "sizes": [1, 2], "tags": [{"key": "k"}]}"#) == nil)
        #expect(message(#"{"sizes": [1]}"#) == "The mandatory field name is missing.")
        #expect(message(#"{"name": 1}"#) == "The field name must be a string, not a number.")
        #expect(message(#"{"name": "a", "sizes": [1, "2"]}"#) == "The field sizes[] must be an integer, not a string.")
        #expect(message(#"{"name": "a", "sizes": [1, 2, 3]}"#) == "The field sizes holds at most 2 items, not 3.")
        #expect(message(#"{"name": "a", "tags": [{"value": "v"}]}"#) == "The mandatory field key is missing.")
        #expect(message(#"[]"#) == "The request body must be a JSON object, not an array.")
    }

    @Test func openAPIListsEveryOperation() throws {
        let response = browser.app.handle(HTTPRequest(method: "GET", uri: "/v3/scm/openapi.json"))
        #expect(response.status == 200)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let operations = paths.filter { $0.key.hasPrefix("/v3/scm/") }.values.flatMap(\.keys)
        #expect(operations.count == 27)
        #expect(paths.keys.filter { !$0.hasPrefix("/v3/scm/") }.count == WebApp.consoleJSONOperations.count)
        #expect(WebApp.apiOperations.count == 27)
        // Every $ref names a schema of the document (a model missing from APISchema.models would
        // otherwise stop the server the first time a body is checked against it).
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let text = String(decoding: response.body, as: UTF8.self)
        let references = text.matches(of: /"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.output.1) }
        #expect(!references.isEmpty)
        for name in references { #expect(schemas[name] != nil, "unresolved \(name)") }
    }
}

import Foundation
import Logging
import SCMCore
import SCMPKI
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// A signed-in browser on an in-process `WebApp`: keeps cookies, sends the session's CSRF token
/// with every form, and follows nothing by itself so tests see each 303 and its flash.
final class ConsoleBrowser {
    let app: WebApp
    let context: ServiceContext
    let clock: FixedClock
    let principal: Principal
    private(set) var cookies: [String: String] = [:]
    private(set) var csrf = ""

    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00:00 UTC

    /// The repository root, found from this file: Tests/SCMWebTests/ConsoleBrowser.swift.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `reviewScale` 1 keeps the CA's review times real, so a fixed clock holds a certificate in ISSUING.
    init(reviewScale: Double = 1) throws {
        clock = FixedClock(Self.start)
        context = ServiceContext(
            database: try AppDatabase.inMemory(), clock: clock, identifiers: RandomIdentifiers(),
            logger: Logger(label: "test"),
            sealer: try KeySealer(masterKey: SecureRandom.bytes(32)), reviewScale: reviewScale)
        app = WebApp(context: context, templates: try Templates(directory: Self.repositoryRoot + "/templates"))
        let (user, password) = try AuthService(context: context).createUser(
            name: "alice", password: "correct-horse-9", isAdmin: false)
        principal = Principal(
            userID: user.id, name: user.name, isAdmin: false, permissions: try IAMService(context: context).permissions(for: user))

        let loginPage = get("/login")
        #expect(loginPage.status == 200)
        let token = try #require(cookies[WebApp.loginCSRFCookie])
        let signedIn = send("POST", "/login", form: ["csrf_token": token, "username": "alice", "password": password])
        #expect(signedIn.status == 303)
        #expect(cookies[WebApp.sessionCookie] != nil)
        let page = get("/cloud")
        #expect(page.status == 200)
        csrf = try #require(Self.capture(#"<meta name="csrf-token" content="([^"]+)">"#, in: page.html))
    }

    /// Moves alice from her starting group, "operators" (SCM FullAccess), to `group`.
    func move(to group: String) throws {
        try context.database.write { store in
            let operators = try #require(try store.reader.group(named: "operators"))
            let target = try #require(try store.reader.group(named: group))
            try store.removeMember(groupID: operators.id, userID: principal.userID)
            try store.addMember(groupID: target.id, userID: principal.userID)
        }
    }

    struct Response {
        let status: Int
        let headers: [(String, String)]
        let html: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var location: String? { header("Location") }
    }

    @discardableResult
    func get(_ uri: String) -> Response { send("GET", uri, form: nil) }

    /// A form POST with the session's CSRF token added.
    @discardableResult
    func post(_ uri: String, _ form: [String: String] = [:], json: Bool = false) -> Response {
        var fields = form
        if fields["csrf_token"] == nil { fields["csrf_token"] = csrf }
        return send("POST", uri, form: fields, json: json)
    }

    func send(_ method: String, _ uri: String, form: [String: String]?, json: Bool = false) -> Response {
        var headers: [String: String] = [:]
        if !cookies.isEmpty { headers["cookie"] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if json { headers["accept"] = "application/json" }
        var body: [UInt8] = []
        if let form {
            headers["content-type"] = "application/x-www-form-urlencoded"
            body = Array(form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&").utf8)
        }
        let response = app.handle(
            HTTPRequest(method: method, uri: uri, headers: headers, body: body, remoteAddress: "127.0.0.1"))
        for (name, value) in response.headers where name == "Set-Cookie" {
            let pair = value.split(separator: ";")[0].split(
                separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(pair[0])
            if value.contains("Max-Age=0") {
                cookies[key] = nil
            } else {
                cookies[key] = pair.count > 1 ? String(pair[1]) : ""
            }
        }
        return Response(
            status: response.status, headers: response.headers, html: String(decoding: response.body, as: UTF8.self))
    }

    /// POSTs, expects a 303, and returns the page it leads to (which shows the flash).
    func postAndFollow(_ uri: String, _ form: [String: String] = [:]) throws -> Response {
        let response = post(uri, form)
        #expect(response.status == 303, "POST \(uri) answered \(response.status): \(Self.alerts(response.html))")
        let location = try #require(response.location)
        return get(location)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    /// The flash and error texts of a page, for failure messages.
    static func alerts(_ html: String) -> String {
        html.components(separatedBy: "\n").filter {
            $0.contains("alert") || $0.contains("flash") || $0.contains("field-error")
        }
        .joined(separator: "\n")
    }

    /// Text as the page shows it: Mustache escapes quotes and ampersands.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A certificate in review, inserted straight into the store for the rules that depend on one.
    func insertCertificate(
        id: String, domain: String, status: Certificate.Status, type: CertificateType = .dv, csrID: String? = nil,
        validations: [DomainValidation] = []
    ) throws -> Certificate {
        var certificate = Certificate(
            id: id, name: "scm-test-\(id.suffix(4))", brand: .digiCert, type: type, domainType: .single, domainQuota: 1,
            status: status, createdAt: clock.now)
        certificate.domain = domain
        certificate.csrID = csrID
        certificate.appliedAt = clock.now
        let inserted = certificate
        try context.database.write { store in
            try store.insert(inserted, ownerID: principal.userID)
            if !validations.isEmpty { try store.replaceValidations(validations, certificateID: id) }
        }
        return certificate
    }
}

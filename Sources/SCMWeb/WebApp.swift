import Foundation
import Logging
import SCMCore
import SCMPKI
import SCMService
import SCMStore

/// The dashboard and API as one function from a parsed request to a response, so it can be
/// tested in-process without sockets and served by `FastCGIServer` unchanged.
public struct WebApp: Sendable {
    public struct Settings: Sendable {
        /// Mark cookies Secure (behind TLS).
        public var secureCookies: Bool
        /// Session expiry (AuthService): after this much inactivity, and in any case after `absoluteLifetime`.
        public var idleTimeout: TimeInterval
        public var absoluteLifetime: TimeInterval
        public init(secureCookies: Bool = false, idleTimeout: TimeInterval = 2 * 3600, absoluteLifetime: TimeInterval = 12 * 3600) {
            self.secureCookies = secureCookies
            self.idleTimeout = idleTimeout
            self.absoluteLifetime = absoluteLifetime
        }
    }

    let context: ServiceContext
    let auth: AuthService
    let certificates: CertificateQueries
    let templates: Templates
    /// The help pages, read and rendered from Markdown once at start (not for every request);
    /// a failure to load them answers the help routes with an error and leaves the rest working.
    let help: Result<HelpSite, HelpLibrary.LoadError>
    let settings: Settings
    private var router = Router()

    static let sessionCookie = "scm_session"
    static let loginCSRFCookie = "scm_csrf"
    static let flashCookie = "scm_flash"

    public init(context: ServiceContext, templates: Templates, settings: Settings = Settings()) {
        self.context = context
        var auth = AuthService(context: context)
        auth.idleTimeout = settings.idleTimeout
        auth.absoluteLifetime = settings.absoluteLifetime
        self.auth = auth
        self.certificates = CertificateQueries(context: context)
        self.templates = templates
        self.help = Result { () throws(HelpLibrary.LoadError) -> HelpSite in
            do {
                return try HelpSite(templates: templates)
            } catch let error as HelpLibrary.LoadError {
                throw error
            } catch {
                throw HelpLibrary.LoadError(description: "the help pages could not be read: \(error)")
            }
        }
        self.settings = settings
        router = makeRoutes()
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let requestID = SecureRandom.hex(16)
        var response = respond(to: request, requestID: requestID)
        response.headers.append(("X-Request-Id", requestID))
        // Behind TLS (nginx passes HTTPS=on) every cookie is Secure, with or without --secure-cookies.
        if request.isHTTPS {
            response.headers = response.headers.map { name, value in
                name == "Set-Cookie" && !value.contains("; Secure") ? (name, value + "; Secure") : (name, value)
            }
        }
        return response
    }

    private func respond(to request: HTTPRequest, requestID: String) -> HTTPResponse {
        let match = router.match(method: request.method, segments: request.pathSegments)
        guard case .found(let route, let parameters) = match else {
            let status = if case .methodNotAllowed = match { 405 } else { 404 }
            let message = status == 404 ? "There is no page at \(request.rawPath)." : "\(request.method) is not allowed here."
            return errorPage(status: status, message: message, request: request, session: nil)
        }
        if route.access == .apiSignature {
            return respondToAPI(request, route: route, parameters: parameters, requestID: requestID)
        }
        var session: Session?
        do {
            session = try auth.session(token: request.cookies[Self.sessionCookie] ?? "")
        } catch {
            return failure(error, request: request, requestID: requestID, session: nil)
        }
        if route.access == .signedIn && session == nil {
            if request.wantsJSON || request.method != "GET" {
                return errorPage(status: 401, message: "Sign in first.", request: request, session: nil)
            }
            let next = request.rawQuery.isEmpty ? request.rawPath : request.rawPath + "?" + request.rawQuery
            return .redirect(to: "/login?next=" + Self.formEncode(next))
        }
        if route.access == .signedIn, request.method != "GET", request.method != "HEAD", let session {
            // Every state-changing request from a browser carries the session's CSRF token.
            let sent = request.form["csrf_token"] ?? request.header("x-csrf-token") ?? ""
            guard Digest.constantTimeEquals(Array(sent.utf8), Array(session.csrfToken.utf8)) else {
                return errorPage(
                    status: 403, message: "The form has expired or did not come from this console (CSRF token missing or wrong). Reload the page and try again.",
                    request: request, session: session)
            }
        }
        // RULES.md §9, checked here for every page and form before its handler runs (`authorize`).
        var permissions = PermissionSet.none
        if let session {
            do {
                permissions = try IAMService(context: self.context).permissions(for: session.user)
            } catch {
                return failure(error, request: request, requestID: requestID, session: session)
            }
        }
        let flash = request.cookies[Self.flashCookie].flatMap { $0.removingPercentEncoding }
        var requestContext = RequestContext(
            request: request, parameters: parameters, session: session, requestID: requestID, flash: flash)
        requestContext.permissions = permissions
        requestContext.route = route
        do {
            try authorize(route, parameters: parameters, permissions: permissions)
            var response = try route.handler(&requestContext)
            if flash != nil, response.status == 200 {
                response.setCookie(Self.flashCookie, "", maxAge: 0)
            }
            return response
        } catch let refusal as Refusal {
            let reply = answer(to: refusal, in: requestContext)
            return errorPage(status: reply.status, message: refusal.message, request: request, session: session)
        } catch {
            return failure(error, request: request, requestID: requestID, session: session)
        }
    }

    /// A layer failed: logged with its context; the user sees a request id and nothing internal.
    private func failure(_ error: Error, request: HTTPRequest, requestID: String, session: Session?) -> HTTPResponse {
        context.logger.error(
            "request failed", metadata: ["request_id": "\(requestID)", "path": "\(request.rawPath)", "error": "\(error)"])
        return errorPage(
            status: 500, message: "Something went wrong on the server. Request ID: \(requestID).", request: request,
            session: session)
    }


    func errorPage(status: Int, message: String, request: HTTPRequest, session: Session?) -> HTTPResponse {
        if request.wantsJSON || request.rawPath.hasPrefix("/v3/") {
            return .json(["error_code": RefusalAnswer(status: status).code, "error_msg": message], status: status)
        }
        let page = ErrorPage(layout: layout(title: ErrorPage.title(status), session: session), status: status, message: message)
        return .html(templates.render(page, "error"), status: status)
    }

    /// The frame of a page for the request's user, with `may` filled from their policies so the
    /// page offers no button the server would refuse (issue 8).
    func layout(title: String, request: RequestContext, section: String = "", crumbs: [Crumb] = [], flash: String? = nil) -> Layout {
        var frame = layout(title: title, session: request.session, section: section, crumbs: crumbs, flash: flash)
        frame.may = AllowedActions(request.permissions)
        return frame
    }

    /// The frame of a page without the caller's policies (error pages): `may` allows nothing.
    func layout(title: String, session: Session?, section: String = "", crumbs: [Crumb] = [], flash: String? = nil) -> Layout {
        // One indexed count per page (`messages_unread`); a failed count only hides the badge.
        let unread = session.flatMap { session in
            try? context.database.read {
                try $0.unreadMessageCount(in: Inbox(userID: session.user.id, isAdmin: session.user.isAdmin))
            }
        }
        return Layout(
            title: title, user: session?.user.name, csrf: session?.csrfToken ?? "",
            navigation: session == nil ? [] : Layout.navigation(active: section), crumbs: crumbs, flash: flash,
            unread: (unread ?? 0) > 0 ? String(unread ?? 0) : nil)
    }

    static func formEncode(_ text: String) -> String {
        // Byte by byte over UTF-8: every byte but the ASCII letters, digits and "-._~/" becomes
        // %XX. (Foundation's percent-encoding built a CharacterSet per call and kept non-ASCII
        // letters raw; on the list page, whose sort and page links encode the query a dozen
        // times, it was 6 % of the time.)
        guard text.utf8.contains(where: { !isUnreservedInURL($0) }) else { return text }
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreservedInURL(byte) {
                encoded.append(byte)
            } else {
                encoded.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static func isUnreservedInURL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    /// A 303 to `location` that shows `message` once on the next page.
    func redirect(to location: String, flash message: String) -> HTTPResponse {
        var response = HTTPResponse.redirect(to: location)
        response.setCookie(Self.flashCookie, Self.formEncode(message), maxAge: 60, secure: settings.secureCookies)
        return response
    }
}

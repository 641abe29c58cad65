import Foundation
import SCMCore
import SCMPKI

extension WebApp {
    func makeRoutes() -> Router {
        var router = Router()
        addAPIRoutes(&router)
        router.add("GET", "healthz", access: .anonymous) { _ in .text("ok") }
        router.add("GET", "", access: .anonymous) { _ in .redirect(to: "/overview") }
        router.add("GET", "overview", action: .certList) { try showOverview(&$0) }
        router.add("GET", "login", access: .anonymous) { try showLogin(&$0) }
        router.add("POST", "login", access: .anonymous) { try login(&$0) }
        router.add("POST", "logout") { try logout(&$0) }
        router.add("GET", "certificates", action: .certList) { try listCertificates(&$0) }
        addLifecycleRoutes(&router)
        addManagementRoutes(&router)
        addFileRoutes(&router)
        router.add("GET", "certificates/:id", action: .certGet) { try showCertificate(&$0) }
        addSimulatorRoutes(&router)
        addCloudRoutes(&router)
        addHelpRoutes(&router)
        addNotificationSettingsRoutes(&router)
        addMessageCenterRoutes(&router)
        addVerificationMethodRoutes(&router)
        addIAMRoutes(&router)
        return router
    }

    // MARK: Sign-in

    func showLogin(_ context: inout RequestContext, error: String? = nil, username: String = "", status: Int = 200) throws
        -> HTTPResponse
    {
        if context.session != nil && error == nil { return .redirect(to: "/certificates") }
        // Double-submit token: the login form has no session yet, so its CSRF token lives in a cookie.
        let token = context.request.cookies[Self.loginCSRFCookie].flatMap { $0.count == 43 ? $0 : nil } ?? SecureRandom.token()
        let next = Self.safeNext(context.request.query["next"] ?? context.request.form["next"])
        let page = LoginPage(
            layout: layout(title: "Sign in", session: nil), csrf: token, username: username, next: next, error: error)
        var response = HTTPResponse.html(templates.render(page, "login"), status: status)
        response.setCookie(Self.loginCSRFCookie, token, secure: settings.secureCookies)
        return response
    }

    func login(_ context: inout RequestContext) throws -> HTTPResponse {
        let form = context.request.form
        let cookie = context.request.cookies[Self.loginCSRFCookie] ?? ""
        let sent = form["csrf_token"] ?? ""
        guard !cookie.isEmpty, Digest.constantTimeEquals(Array(cookie.utf8), Array(sent.utf8)) else {
            return errorPage(
                status: 403, message: "The sign-in form has expired (CSRF token missing or wrong). Reload the page and try again.",
                request: context.request, session: nil)
        }
        let username = form["username"] ?? ""
        do {
            let signedIn = try auth.login(
                name: username, password: form["password"] ?? "", remoteAddress: context.request.remoteAddress)
            var response = HTTPResponse.redirect(to: Self.safeNext(form["next"]))
            response.setCookie(Self.sessionCookie, signedIn.token, secure: settings.secureCookies)
            return response
        } catch let refusal as Refusal {
            return try showLogin(&context, error: refusal.message, username: username)
        }
    }

    func logout(_ context: inout RequestContext) throws -> HTTPResponse {
        if let session = context.session {
            try auth.logout(session: session, remoteAddress: context.request.remoteAddress)
        }
        var response = HTTPResponse.redirect(to: "/login")
        response.setCookie(Self.sessionCookie, "", maxAge: 0, secure: settings.secureCookies)
        return response
    }

    /// Only local paths: a `next` pointing elsewhere would make the login page an open redirect.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/certificates" }
        return next
    }
}

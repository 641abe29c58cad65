import Mustache
import SCMCore

/// The console frame every page shares: header with the signed-in user, left navigation, breadcrumbs.
struct Layout {
    struct NavItem {
        let title: String
        let href: String
        let icon: String
        let active: Bool
    }

    let title: String
    let user: String?
    let csrf: String
    let navigation: [NavItem]
    let crumbs: [Crumb]
    let flash: String?
    /// Unread messages of the signed-in user for the header badge (issue 9); nil when none.
    var unread: String? = nil
    /// Whether the user's policies allow each action somewhere, by its name with `_` for `:`:
    /// a template shows a button only inside `{{#layout.may.scm_csr_delete}}`. Pages about one
    /// certificate decide with its enterprise project instead (`CertificateDetailsPage`).
    var may = AllowedActions(PermissionSet(grants: []))

    /// The left navigation of the console, in the order of the real one.
    static func navigation(active: String) -> [NavItem] {
        let items: [(String, String, String)] = [
            ("Overview", "/overview", "overview"),
            ("SSL Certificates", "/certificates", "certificates"),
            ("Orders", "/orders", "orders"),
            ("CSRs", "/csrs", "csrs"),
            ("Cloud Products", "/cloud", "cloud"),
            ("DNS", "/cloud/dns", "dns"),
            ("Mailbox", "/cloud/mail", "mail"),
            ("Messages", "/messages", "messages"),
            ("Audit Log", "/audit", "audit"),
            ("Users", "/users", "users"),
            ("Help", "/help", "help"),
        ]
        return items.map { NavItem(title: $0.0, href: $0.1, icon: $0.2, active: $0.2 == active) }
    }
}

struct Crumb {
    let title: String
    let href: String?

    /// SSL Certificates › the certificate › `page`: the trail of every page about one certificate.
    static func trail(to certificate: Certificate, _ page: String) -> [Crumb] {
        [
            Crumb(title: "SSL Certificates", href: "/certificates"),
            Crumb(title: certificate.name, href: "/certificates/\(certificate.id)"), Crumb(title: page, href: nil),
        ]
    }
}

struct ErrorPage {
    let layout: Layout
    let status: Int
    let message: String

    static func title(_ status: Int) -> String {
        switch status {
        case 400: "Invalid request"
        case 401: "Sign in required"
        case 403: "Not allowed"
        case 404: "Page not found"
        case 405: "Method not allowed"
        case 409: "Conflict"
        default: "Server error"
        }
    }
}

struct LoginPage {
    let layout: Layout
    let csrf: String
    let username: String
    let next: String
    let error: String?
}

/// The actions a user's policies allow somewhere, asked by template name (`scm_csr_delete`).
///
/// A page asks for a handful, so only those are evaluated: deciding every action of the
/// catalogue for every page was a tenth of the list page's time (callgrind).
final class AllowedActions: MustacheParent {
    let permissions: PermissionSet

    init(_ permissions: PermissionSet) {
        self.permissions = permissions
    }

    func child(named name: String) -> Any? {
        Self.actionsByTemplateName[name].map { permissions.allows($0) }
    }

    static let actionsByTemplateName: [String: Action] = Dictionary(
        uniqueKeysWithValues: Action.all.map { ($0.rawValue.replacingOccurrences(of: ":", with: "_"), $0) })
}

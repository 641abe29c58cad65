import Foundation
import SCMCore
import SCMStore

extension WebApp {
    /// `/help` (index and `?q=` search by title) and `/help/{page}`. nginx serves the pages that
    /// `scm build-help` wrote to public/help/; these routes answer when a file is missing and for
    /// searches. Anonymous like the static files: help holds nothing private. A signed-in user
    /// gets the page in their console frame (name, unread badge, Sign out).
    func addHelpRoutes(_ router: inout Router) {
        router.add("GET", "help", access: .anonymous) { context in
            .html(try help.get().renderIndex(query: context.request.query["q"] ?? "", in: helpFrame(context.session)))
        }
        // The "?" of an operation's page (confirm.mustache, fields.mustache) links to
        // /help/for + the form's action, /help/for/certificates/{id}/{operation}.
        router.add("GET", "help/for/certificates/:id/:operation", access: .anonymous) { context in
            let slug = Certificate.Operation(rawValue: context.parameter("operation")).map(Self.helpPage(for:)) ?? ""
            return .redirect(to: "/help/" + slug)
        }
        router.add("GET", "help/:page", access: .anonymous) { context in
            var slug = context.parameter("page")
            if slug.hasSuffix(".html") { slug.removeLast(5) }
            let site = try help.get()
            let frame = helpFrame(context.session)
            if slug == "index" { return .html(site.renderIndex(query: "", in: frame)) }
            guard let html = site.render(page: slug, in: frame) else {
                return errorPage(
                    status: 404, message: "There is no help page \"\(slug.prefix(60))\". The help index lists them all.",
                    request: context.request, session: context.session)
            }
            return .html(html)
        }
    }

    /// The signed-out frame of the static files, or the console's frame of the session's user.
    private func helpFrame(_ session: Session?) -> HelpSite.Frame {
        guard let session else { return HelpSite.signedOut }
        return { title, crumbs in layout(title: title, session: session, section: "help", crumbs: crumbs) }
    }

    /// The help page of each operation (every one of them exists in templates/help/; a test checks it).
    static func helpPage(for operation: Certificate.Operation) -> String {
        switch operation {
        case .apply: "apply"
        case .newApplication, .withdraw, .withdrawDomainAddition: "withdraw"
        case .verifyDomain, .changeVerificationMethod: "verify-domain"
        case .verifyOrganization: "verify-organization"
        case .reissue, .confirmOperation: "reissue"
        case .addDomains: "add-domains"
        case .renew: "renew"
        case .autoRenew: "auto-renewal"
        case .revoke: "revoke"
        case .delete: "delete"
        case .unsubscribe: "unsubscribe"
        case .cancelPrivacy: "privacy"
        case .rename, .moveProject: "names-and-projects"
        case .download: "download"
        case .deploy, .push: "deploy"
        }
    }
}

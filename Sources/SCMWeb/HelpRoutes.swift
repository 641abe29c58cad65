import Foundation
import SCMCore

extension WebApp {
    /// `/help` (index and `?q=` search by title) and `/help/{page}`. nginx serves the pages that
    /// `scm build-help` wrote to public/help/; these routes answer when a file is missing and for
    /// searches. Anonymous like the static files: help holds nothing private.
    func addHelpRoutes(_ router: inout Router) {
        router.add("GET", "help", access: .anonymous) { context in
            let site = try HelpSite(templates: templates)
            return .html(site.renderIndex(query: context.request.query["q"] ?? ""))
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
            let site = try HelpSite(templates: templates)
            if slug == "index" { return .html(site.renderIndex()) }
            guard let html = site.render(page: slug) else {
                return errorPage(
                    status: 404, message: "There is no help page \"\(slug.prefix(60))\". The help index lists them all.",
                    request: context.request, session: context.session)
            }
            return .html(html)
        }
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

import Foundation
import SCMCore
import SCMService
import SCMStore

/// The web-root simulator's console (RULES.md §5, file validation): the CA reads
/// `http://<domain>/.well-known/pki-validation/fileauth.txt` from these files.
extension WebApp {
    func listWebrootFiles(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(try webRootsPage(request, form: FormData(pairs: []), errors: .none))
    }

    func putWebrootFile(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let domain = (form["domain"] ?? "").trimmingCharacters(in: .whitespaces)
                let path = (form["path"] ?? "").trimmingCharacters(in: .whitespaces)
                try SimulatorService(context: context).putWebrootFile(
                    domain: domain, path: path.isEmpty ? DomainValidation.filePath : path,
                    content: form["content"] ?? "",
                    by: principal)
                return ("/cloud/web", "File saved on the web root of \(domain).", ["domain": domain, "path": path])
            },
            reshow: { errors in try webRootsPage(request, form: form, errors: errors) })
    }

    func deleteWebrootFile(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let domain = form["domain"] ?? ""
        let path = form["path"] ?? ""
        let principal = request.principal
        return try submit(
            request,
            perform: {
                guard try context.database.read({ try $0.webrootFile(domain: domain, path: path) }) != nil else {
                    throw Refusal(
                        .notFound, "There is no file \(path.prefix(255)) on the web root of \(domain.prefix(253)).")
                }
                try SimulatorService(context: context).deleteWebrootFile(domain: domain, path: path, by: principal)
                return (
                    "/cloud/web", "File \(path) deleted from the web root of \(domain).",
                    ["domain": domain, "path": path]
                )
            },
            reshow: { errors in try webRootsPage(request, form: FormData(pairs: []), errors: errors) })
    }

    private func webRootsPage(_ request: RequestContext, form: FormData, errors: FormErrors) throws -> String {
        let files = try context.database.read { try $0.webrootFiles() }
        let model = WebRootsPage(
            layout: layout(
                title: "Web roots", request: request, section: "cloud",
                crumbs: [Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "Web roots", href: nil)],
                flash: request.flash),
            errors: errors,
            files: files.map {
                WebRootsPage.File(
                    domain: $0.domain, path: $0.path, url: "http://\($0.domain)\($0.path)", content: $0.content,
                    saved: Self.formatDateTime($0.savedAt))
            },
            domain: form["domain"] ?? "", path: form["path"] ?? DomainValidation.filePath,
            content: form["content"] ?? "")
        return templates.render(model, "webroots")
    }
}

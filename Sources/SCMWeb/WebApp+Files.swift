import Foundation
import SCMCore
import SCMService

/// Upload external certificate and Download (RULES.md §3, §7; issues 5 and 10).
extension WebApp {
    func addFileRoutes(_ router: inout Router) {
        router.add("GET", "certificates/upload", action: .certUpload) { try showUpload(&$0) }
        router.add("POST", "certificates/upload", action: .certUpload) { try upload(&$0) }
        router.add("GET", "certificates/:id/download", action: .certDownload) { try showDownload(&$0) }
        router.add("GET", "certificates/:id/download/:server", action: .certDownload) { try download(&$0) }
    }

    // MARK: Upload

    func showUpload(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(uploadForm(request, values: UploadValues(), errors: .none))
    }

    /// The pasted fields, or the chosen files in their place: a chosen file wins over its textarea.
    struct UploadValues {
        var name = ""
        var certificate = ""
        var chain = ""
        var privateKey = ""
        var project = Certificate.defaultProject
        var duplicateCheck = false

        init() {}

        init(_ request: HTTPRequest) {
            let multipart = MultipartForm(contentType: request.headers["content-type"] ?? "", body: request.body)
            let form = multipart?.fields ?? request.form
            func value(_ field: String, file: String) -> String {
                if let part = multipart?.file(file) { return UploadService.text(ofFile: part.bytes) }
                return form[field] ?? ""
            }
            name = form[UploadService.Field.name] ?? ""
            certificate = value(UploadService.Field.certificate, file: "certificate_file")
            chain = value(UploadService.Field.chain, file: "certificate_chain_file")
            privateKey = value(UploadService.Field.privateKey, file: "private_key_file")
            project = form[UploadService.Field.enterpriseProject] ?? Certificate.defaultProject
            duplicateCheck = ["on", "true"].contains(form["duplicate_check"] ?? "")
        }
    }

    func upload(_ request: inout RequestContext) throws -> HTTPResponse {
        let values = UploadValues(request.request)
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let uploaded = try UploadService(context: context).upload(
                    name: values.name, certificatePEM: values.certificate, chainPEM: values.chain,
                    privateKeyPEM: values.privateKey, enterpriseProject: values.project,
                    duplicateCheck: values.duplicateCheck, by: principal)
                let expires = uploaded.notAfter.map(Self.formatDate) ?? "–"
                return (
                    "/certificates/\(uploaded.id)",
                    "Certificate \(uploaded.name) uploaded for \(uploaded.domain): hosted, expires \(expires); its private key is kept encrypted.",
                    ["certificate_id": uploaded.id]
                )
            },
            reshow: { errors in uploadForm(request, values: values, errors: errors) })
    }

    func uploadForm(_ request: RequestContext, values: UploadValues, errors: FormErrors) -> String {
        let page = UploadPage(
            layout: layout(
                title: "Upload Certificate", request: request, section: "certificates",
                crumbs: [Crumb(title: "SSL Certificates", href: "/certificates"), Crumb(title: "Upload Certificate", href: nil)]),
            errors: errors, name: values.name,
            // A file that is not text came back as base64: not worth showing in the textarea again.
            certificate: Self.textareaValue(values.certificate), chain: Self.textareaValue(values.chain),
            project: values.project)
        return templates.render(page, "upload")
    }

    private static func textareaValue(_ text: String) -> String { text.contains("-----BEGIN") ? text : "" }

    // MARK: Download

    func showDownload(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = request.parameter("id")
        let availability = try DownloadService(context: context).availability(id: id, by: request.principal)
        let certificate = availability.certificate
        if request.request.wantsJSON {
            return .json([
                "certificate_id": id, "has_private_key": availability.hasPrivateKey,
                "servers": DownloadServer.allCases.map { ["type": $0.rawValue, "name": $0.displayName, "href": "/certificates/\(id)/download/\($0.rawValue)"] },
            ])
        }
        let page = DownloadPage(
            layout: layout(
                title: "Download \(certificate.name)", request: request, section: "certificates",
                crumbs: Crumb.trail(to: certificate, "Download"), flash: request.flash),
            certificateID: id, name: certificate.name, domain: certificate.allDomains.joined(separator: ", "),
            statusLabel: certificate.statusLabel, expires: certificate.notAfter.map(Self.formatDate) ?? "–",
            missingKeyReason: availability.missingKeyReason,
            servers: DownloadServer.allCases.map {
                DownloadPage.Server(
                    name: $0.displayName,
                    contents: availability.hasPrivateKey ? $0.contents : "Certificate, chain and full chain (.crt), PEM",
                    href: "/certificates/\(id)/download/\($0.rawValue)")
            })
        return .html(templates.render(page, "download"))
    }

    func download(_ request: inout RequestContext) throws -> HTTPResponse {
        let name = request.parameter("server")
        guard let server = DownloadServer(rawValue: name.lowercased()) else {
            throw Refusal(
                .notFound,
                "There is no server type \"\(name.prefix(40))\" to download for; choose one of \(DownloadServer.allCases.map(\.displayName).joined(separator: ", ")).")
        }
        let package = try DownloadService(context: context).download(
            id: request.parameter("id"), server: server, by: request.principal)
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "application/zip"),
                ("Content-Disposition", "attachment; filename=\"\(package.fileName)\""),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
            body: package.bytes)
    }
}

import Foundation
import SCMCore

extension WebApp {
    /// The CSR list and the simulators' consoles: CA, DNS, mailbox, web roots (issue 4).
    /// Literal segments (`new`, `upload`) are added before the `:id` captures they would match.
    func addSimulatorRoutes(_ router: inout Router) {
        router.add("GET", "csrs", action: .csrList) { try listCSRs(&$0) }
        router.add("POST", "csrs", action: .csrCreate) { try createCSR(&$0) }
        router.add("GET", "csrs/new", action: .csrCreate) { try showNewCSR(&$0) }
        router.add("GET", "csrs/upload", action: .csrCreate) { try showUploadCSR(&$0) }
        router.add("POST", "csrs/upload", action: .csrCreate) { try uploadCSR(&$0) }
        router.add("GET", "csrs/:id", action: .csrGet) { try showCSR(&$0) }
        router.add("GET", "csrs/:id/download", action: .csrGet) { try downloadCSR(&$0) }
        router.add("POST", "csrs/:id/delete", action: .csrDelete) { try deleteCSR(&$0) }
        router.add("POST", "csrs/:id/rename", action: .csrUpdate) { try renameCSR(&$0) }

        router.add("GET", "cloud", action: .simList) { try showCloud(&$0) }
        router.add("GET", "cloud/ca", action: .simGet) { try showCA(&$0) }
        router.add("GET", "cloud/ca/:brand/:file", action: .simGet) { try downloadCACertificate(&$0) }

        router.add("GET", "cloud/dns", action: .simList) { try listZones(&$0) }
        router.add("POST", "cloud/dns/zones", action: .simUpdate) { try createZone(&$0) }
        router.add("GET", "cloud/dns/zones/:id", action: .simGet) { try showZone(&$0) }
        router.add("POST", "cloud/dns/zones/:id/records", action: .simUpdate) { try addRecordSet(&$0) }
        router.add("POST", "cloud/dns/zones/:id/delete", action: .simUpdate) { try deleteZone(&$0) }
        router.add("GET", "cloud/dns/records/:id/edit", action: .simUpdate) { try showEditRecordSet(&$0) }
        router.add("POST", "cloud/dns/records/:id", action: .simUpdate) { try modifyRecordSet(&$0) }
        router.add("POST", "cloud/dns/records/:id/delete", action: .simUpdate) { try deleteRecordSet(&$0) }

        router.add("GET", "cloud/mail", action: .simList) { try listMail(&$0) }
        router.add("GET", "cloud/mail/:id", action: .simGet) { try showMail(&$0) }
        router.add("POST", "cloud/mail/:id/follow", action: .simUpdate) { try followMailLink(&$0) }

        router.add("GET", "cloud/web", action: .simList) { try listWebrootFiles(&$0) }
        router.add("POST", "cloud/web", action: .simUpdate) { try putWebrootFile(&$0) }
        router.add("POST", "cloud/web/delete", action: .simUpdate) { try deleteWebrootFile(&$0) }
    }

    /// `GET /cloud`: the simulated cloud products, each with its console page.
    func showCloud(_ request: inout RequestContext) throws -> HTTPResponse {
        let counts = try context.database.read { store in
            (
                zones: try store.dnsZones().count,
                unread: try store.unreadMailCount(),
                files: try store.webrootFiles().count,
                texts: try store.smsCount()
            )
        }
        let page = CloudPage(
            layout: layout(
                title: "Cloud Products", request: request, section: "cloud",
                crumbs: [Crumb(title: "Cloud Products", href: nil)], flash: request.flash),
            products: [
                .init(
                    title: "Certificate authorities", href: "/cloud/ca",
                    summary:
                        "The simulated CAs: each brand's root and intermediate certificate, to download and trust.",
                    detail: "\(CABrand.allCases.count) brands"),
                .init(
                    title: "DNS", href: "/cloud/dns",
                    summary:
                        "Public zones and record sets: the _dnsauth TXT or CNAME records that prove domain ownership, and CAA.",
                    detail: counts.zones == 1 ? "1 zone" : "\(counts.zones) zones"),
                .init(
                    title: "Mailbox", href: "/cloud/mail",
                    summary:
                        "Every message the CA sends: domain confirmations, organization verification, revocation and reminders.",
                    detail: counts.unread == 1 ? "1 unread message" : "\(counts.unread) unread messages"),
                .init(
                    title: "SMS outbox", href: "/cloud/sms",
                    summary: "Every text message the console sends: expiry reminders to the applicant's phone.",
                    detail: counts.texts == 1 ? "1 text message" : "\(counts.texts) text messages"),
                .init(
                    title: "Web roots", href: "/cloud/web",
                    summary:
                        "Files served by the simulated web servers, for file validation at \(DomainValidation.filePath).",
                    detail: counts.files == 1 ? "1 file" : "\(counts.files) files"),
            ])
        return .html(templates.render(page, "cloud"))
    }

    /// A numeric route capture, or a 404 naming what was asked for.
    static func numericID(_ text: String, _ what: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else {
            throw Refusal(.notFound, "There is no \(what) with ID \(text.prefix(40)).")
        }
        return id
    }

    /// A file download: `Content-Disposition: attachment` with an ASCII-only file name.
    static func attachment(_ body: String, contentType: String, filename: String) -> HTTPResponse {
        let safe = String(filename.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", contentType), ("Content-Disposition", "attachment; filename=\"\(safe)\""),
                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
            ],
            body: Array(body.utf8))
    }
}

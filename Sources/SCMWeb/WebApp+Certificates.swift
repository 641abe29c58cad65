import Foundation
import SCMCore
import SCMService

extension WebApp {
    /// Operations with a page in this build; each issue that builds an operation adds it here,
    /// so the list never offers a button that leads nowhere.
    static let operationsWithPages: Set<Certificate.Operation> = Set<Certificate.Operation>([
        .apply, .verifyDomain, .verifyOrganization, .download, .deploy, .push, .changeVerificationMethod,
    ])
    .union(managementOperations)

    func listCertificates(_ context: inout RequestContext) throws -> HTTPResponse {
        let parameters = try ListParameters.parse(context.request.query)
        let page = try certificates.list(parameters.query, by: context.principal)
        let now = self.context.clock.now
        let query = parameters.query
        let rows = page.items.map { certificateRow($0, now: now, permissions: context.permissions) }

        func column(_ title: String, _ key: CertificateListQuery.SortKey) -> CertificateListPage.SortableColumn {
            let active = query.sort == key
            let nextAscending = active ? !query.ascending : (key == .name)
            return .init(
                title: title, href: parameters.url(page: 1, ["sort": key.rawValue, "dir": nextAscending ? "asc" : "desc"]),
                indicator: active ? (query.ascending ? "▲" : "▼") : "",
                ariaSort: active ? (query.ascending ? "ascending" : "descending") : "none")
        }
        let pagination = Pagination(total: page.total, shown: page.items.count, request: parameters.paging) {
            parameters.url(page: $0)
        }
        let model = CertificateListPage(
            layout: layout(
                title: "SSL Certificates", request: context, section: "certificates",
                crumbs: [
                    Crumb(title: "SSL Certificate Manager", href: nil), Crumb(title: "SSL Certificates", href: nil),
                ],
                flash: context.flash),
            statusOptions: [CertificateListPage.Option(value: "", label: "All statuses", selected: query.status == nil)]
                + Certificate.Status.allCases.map {
                    .init(
                        value: $0.rawValue, label: $0.label + ($0 == .cancelSupplementing ? " (withdrawal)" : ""),
                        selected: query.status == $0)
                },
            keyword: query.keyword, rows: rows,
            expiresColumn: column("Expires", .expires), statusColumn: column("Status", .status),
            nameColumn: column("Certificate Name/ID", .name),
            pagination: pagination,
            emptyMessage: pagination.emptyMessage(
                query.keyword.isEmpty && query.status == nil ? "No certificates yet." : "No certificate matches these filters."),
            hiddenSort: query.sort == .updated ? "" : query.sort.rawValue,
            hiddenDirection: query.ascending ? "asc" : "", expiresWithin: query.expiresWithinDays,
            projectOptions: [
                CertificateListPage.Option(value: "", label: "All projects", selected: query.enterpriseProject == nil)
            ]
                + Set(
                    try certificates.enterpriseProjects(by: context.principal)
                        + [query.enterpriseProject].compactMap { $0 }
                ).sorted().map {
                    .init(value: $0, label: $0, selected: query.enterpriseProject == $0)
                })
        return .html(templates.render(model, "certificates"))
    }

    /// The buttons of one certificate: the core's table, minus pages not built and actions the
    /// caller's policies deny for the certificate's project (the server refuses them anyway).
    func certificateRow(_ certificate: Certificate, now: Date, permissions: PermissionSet) -> CertificateListPage.Row {
        // Which operations, in which order, is the core's table (RULES.md §3, last paragraph).
        let operations = listOperations(for: certificate, now: now)
        func links(_ list: [Certificate.Operation]) -> [OperationLink] {
            list.filter {
                Self.operationsWithPages.contains($0)
                    && permissions.allows($0.action, project: certificate.enterpriseProject)
            }.map {
                OperationLink(
                    title: $0.title, href: "/certificates/\(certificate.id)/\($0.rawValue)",
                    primary: $0 == .renew || $0 == .apply)
            }
        }
        let visible = links(operations.shown)
        let more = links(operations.more)
        return CertificateListPage.Row(
            id: certificate.id, name: certificate.name, href: "/certificates/\(certificate.id)",
            domain: certificate.domain.isEmpty ? "–" : certificate.domain,
            moreDomains: certificate.sans.isEmpty ? nil : "+\(certificate.sans.count) more",
            typeSummary: certificate.typeSummary, description: certificate.description,
            expiresAt: certificate.notAfter.map(Self.formatDate) ?? "–",
            statusLabel: certificate.statusLabel, tone: certificate.status.tone,
            progress: certificate.status.progress,
            hasProgress: certificate.status.progress != nil && certificate.status != .issued,
            expireSoon: certificate.expiresSoon(now: now), project: certificate.enterpriseProject,
            autoRenewal: (try? check(.autoRenew, on: certificate, now: now)) == nil
                ? nil : (certificate.autoRenew ? "On" : "Off"),
            autoRenewalHref: permissions.allows(
                Certificate.Operation.autoRenew.action, project: certificate.enterpriseProject)
                ? "/certificates/\(certificate.id)/\(Certificate.Operation.autoRenew.rawValue)" : nil,
            operations: visible, more: more, hasMore: !more.isEmpty)
    }

    func showCertificate(_ context: inout RequestContext) throws -> HTTPResponse {
        let historyPage = try PageRequest.parse(context.request.query)
        let details = try certificates.details(
            id: context.parameter("id"), historyOffset: historyPage.offset, historyLimit: historyPage.limit, by: context.principal)
        let now = self.context.clock.now
        let deployed = try deployments.deployedResources(
            certificateIDs: [details.certificate.id], products: CloudProduct.allCases)
        let model = CertificateDetailsPage(
            details: details, deployed: deployed[details.certificate.id] ?? [], now: now,
            layout: layout(
                title: details.certificate.name, request: context, section: "certificates",
                crumbs: [
                    Crumb(title: "SSL Certificates", href: "/certificates"),
                    Crumb(title: details.certificate.name, href: nil),
                ], flash: context.flash),
            operations: certificateRow(details.certificate, now: now, permissions: context.permissions),
            canUpdate: context.permissions.allows(.certUpdate, project: details.certificate.enterpriseProject),
            historyPage: historyPage)
        return .html(templates.render(model, "certificate"))
    }

    /// UTC dates as the console shows them, built with `gmtime_r` (thread-safe, no formatter state).
    static func formatDate(_ date: Date) -> String {
        let parts = utcParts(date)
        return "\(parts.year)-\(pad(parts.month))-\(pad(parts.day))"
    }

    static func formatDateTime(_ date: Date) -> String {
        let parts = utcParts(date)
        return
            "\(parts.year)-\(pad(parts.month))-\(pad(parts.day)) \(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) UTC"
    }

    private static func utcParts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
            Int(parts.tm_sec)
        )
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

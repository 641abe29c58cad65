import Foundation
import SCMCore

/// The certificate list as the real console shows it (issue 3 §7): one plain model built from
/// a page of query results, rendered by templates/certificates.mustache.
struct CertificateListPage {
    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Row {
        let id: String
        let name: String
        let href: String
        let domain: String
        let moreDomains: String?
        let typeSummary: String
        let description: String
        let expiresAt: String
        let statusLabel: String
        let tone: String
        let progress: Int?
        let hasProgress: Bool
        let expireSoon: Bool
        let project: String
        /// "On"/"Off" for a certificate whose auto-renewal can be switched (paid, issued), nil otherwise.
        let autoRenewal: String?
        /// The switch's page, nil when the user's policies do not allow switching it (the state shows).
        let autoRenewalHref: String?
        let operations: [OperationLink]
        let more: [OperationLink]
        let hasMore: Bool
    }

    struct SortableColumn {
        let title: String
        let href: String
        let indicator: String
        let ariaSort: String
    }

    let layout: Layout
    let statusOptions: [Option]
    let keyword: String
    let rows: [Row]
    let expiresColumn: SortableColumn
    let statusColumn: SortableColumn
    let nameColumn: SortableColumn
    let pagination: Pagination
    let emptyMessage: String?
    let hiddenSort: String
    let hiddenDirection: String
    /// The overview's "expiring within N days" filter, kept by the search form and shown with a way out.
    var expiresWithin: Int? = nil
    /// The enterprise-project filter: "All projects" and each project holding certificates.
    var projectOptions: [Option] = []
}

/// A button of the operations column. `href` leads to the operation's page (form or confirmation).
struct OperationLink {
    let title: String
    let href: String
    let primary: Bool
}

/// The list's URL parameters, parsed and checked (issue 3: bad values are a 400 naming the
/// parameter; a page size is clamped because that is what a user expects).
struct ListParameters {
    var query: CertificateListQuery
    var paging: PageRequest

    static func parse(_ form: FormData) throws(Refusal) -> ListParameters {
        var query = CertificateListQuery()
        if let status = form["status"], !status.isEmpty, status != "ALL" {
            guard let parsed = Certificate.Status(rawValue: status) else {
                throw Refusal.invalid(
                    "status",
                    "Unknown status \"\(status.prefix(40))\". Use one of: \(Certificate.Status.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
            query.status = parsed
        }
        let keyword = (form["keyword"] ?? "").trimmingCharacters(in: .whitespaces)
        guard keyword.count <= CertificateListQuery.maximumKeywordLength else {
            throw Refusal.invalid(
                "keyword",
                "The search keyword is too long: at most \(CertificateListQuery.maximumKeywordLength) characters.")
        }
        query.keyword = keyword
        if let project = form["project"], !project.isEmpty, project != "all" {
            query.enterpriseProject = project
        }
        if let sort = form["sort"], !sort.isEmpty {
            guard let key = CertificateListQuery.SortKey(rawValue: sort) else {
                throw Refusal.invalid(
                    "sort", "Unknown sort \"\(sort.prefix(40))\". Use expires, status, updated or name.")
            }
            query.sort = key
        }
        switch form["dir"] ?? "" {
        case "asc": query.ascending = true
        case "desc", "": query.ascending = false
        default: throw Refusal.invalid("dir", "The sort direction must be asc or desc.")
        }
        let paging = try PageRequest.parse(form)
        query.limit = paging.limit
        if let text = form["expires_within"], !text.isEmpty {
            guard let days = Int(text), (1...CertificateListQuery.maximumExpiresWithinDays).contains(days) else {
                throw Refusal.invalid(
                    "expires_within",
                    "expires_within must be a whole number of days from 1 to \(CertificateListQuery.maximumExpiresWithinDays)."
                )
            }
            query.expiresWithinDays = days
        }
        query.offset = paging.offset
        return ListParameters(query: query, paging: paging)
    }

    /// The list URL of `page` with these filters, sort and page size, and `changes` applied to
    /// the filters and sort; defaults are left out.
    func url(page: Int, _ changes: [String: String] = [:]) -> String {
        var filters: [(String, String)] = [
            ("status", query.status?.rawValue ?? ""), ("keyword", query.keyword),
            ("project", query.enterpriseProject ?? ""),
            ("expires_within", query.expiresWithinDays.map(String.init) ?? ""),
            ("sort", query.sort == .updated ? "" : query.sort.rawValue), ("dir", query.ascending ? "asc" : ""),
        ]
        for (key, value) in changes {
            if let index = filters.firstIndex(where: { $0.0 == key }) { filters[index].1 = value } else { filters.append((key, value)) }
        }
        return paging.url("/certificates", filters: filters, page: page)
    }
}

extension CertificateListPage.Row: TemplateFields {
    var templateFields: [String: Any] {
        var fields: [String: Any] = [
            "id": id, "name": name, "href": href, "domain": domain, "typeSummary": typeSummary,
            "description": description, "expiresAt": expiresAt, "statusLabel": statusLabel, "tone": tone,
            "hasProgress": hasProgress, "expireSoon": expireSoon, "project": project,
            "operations": operations.map(\.templateObject),
            "more": more.map(\.templateObject), "hasMore": hasMore,
        ]
        if let moreDomains { fields["moreDomains"] = moreDomains }
        if let progress { fields["progress"] = progress }
        if let autoRenewal { fields["autoRenewal"] = autoRenewal }
        if let autoRenewalHref { fields["autoRenewalHref"] = autoRenewalHref }
        return fields
    }
}

extension OperationLink: TemplateFields {
    var templateFields: [String: Any] { ["title": title, "href": href, "primary": primary] }
}

// The list page's other repeated values, read without a `Mirror` too (see `TemplateFields`).

extension CertificateListPage.Option: TemplateFields {
    var templateFields: [String: Any] { ["value": value, "label": label, "selected": selected] }
}

extension CertificateListPage.SortableColumn: TemplateFields {
    var templateFields: [String: Any] { ["title": title, "href": href, "indicator": indicator, "ariaSort": ariaSort] }
}

extension Layout.NavItem: TemplateFields {
    var templateFields: [String: Any] { ["title": title, "href": href, "icon": icon, "active": active] }
}

// The page and its frame too: the list is the console's busiest page, and a `Mirror` over them
// and a cast of every array to `[Any]` (boxing each row) was a fifth of its rendering.

extension CertificateListPage: TemplateFields {
    var templateFields: [String: Any] {
        var fields: [String: Any] = [
            "layout": layout.templateObject, "statusOptions": statusOptions.map(\.templateObject), "keyword": keyword,
            "rows": rows.map(\.templateObject), "expiresColumn": expiresColumn.templateObject,
            "statusColumn": statusColumn.templateObject, "nameColumn": nameColumn.templateObject,
            "pagination": pagination.templateObject, "hiddenSort": hiddenSort, "hiddenDirection": hiddenDirection,
            "projectOptions": projectOptions.map(\.templateObject),
        ]
        if let emptyMessage { fields["emptyMessage"] = emptyMessage }
        if let expiresWithin { fields["expiresWithin"] = expiresWithin }
        return fields
    }
}

extension Layout: TemplateFields {
    var templateFields: [String: Any] {
        var fields: [String: Any] = [
            "title": title, "csrf": csrf, "navigation": navigation.map(\.templateObject),
            "crumbs": crumbs.map(\.templateObject), "may": may,
        ]
        if let user { fields["user"] = user }
        if let flash { fields["flash"] = flash }
        if let unread { fields["unread"] = unread }
        return fields
    }
}

extension Crumb: TemplateFields {
    var templateFields: [String: Any] {
        var fields: [String: Any] = ["title": title]
        if let href { fields["href"] = href }
        return fields
    }
}

extension SelectOption: TemplateFields {
    var templateFields: [String: Any] { ["value": value, "label": label, "selected": selected] }
}

import SCMCore

/// The page numbers a pagination bar links to: up to seven around the current page, always
/// inside 1...pageCount. A page past the last one (an old bookmark, a hand-edited URL) still
/// gets the last seven pages, never an empty or inverted range.
enum PageWindow {
    static func numbers(current: Int, pageCount: Int, width: Int = 7) -> ClosedRange<Int> {
        let last = max(1, pageCount)
        let first = max(1, min(current - 3, last - width + 1))
        return first...min(last, first + width - 1)
    }
}

/// The page and page size a paged list was asked for, from its `page` and `limit` URL
/// parameters, as the certificate list reads them: a page number that is not a whole number
/// from 1 is a 400 naming `page`; a size is clamped to 10, 20 or 50, the nearest.
struct PageRequest {
    var page = 1
    var limit = CertificateListQuery.pageSizes[0]

    var offset: Int { (page - 1) * limit }

    static func parse(_ form: FormData) throws(Refusal) -> PageRequest {
        var request = PageRequest()
        if let text = form["page"], !text.isEmpty {
            guard let number = Int(text), (1...1_000_000).contains(number) else {
                throw Refusal.invalid("page", "The page number must be a whole number from 1.")
            }
            request.page = number
        }
        if let text = form["limit"], !text.isEmpty {
            guard let limit = Int(text) else {
                throw Refusal.invalid("limit", "The page size must be \(Self.sizesText).")
            }
            request.limit = CertificateListQuery.clampedPageSize(limit)
        }
        return request
    }

    static var sizesText: String {
        let sizes = CertificateListQuery.pageSizes.map(String.init)
        return sizes.dropLast().joined(separator: ", ") + " or " + (sizes.last ?? "")
    }

    /// `path` with the list's `filters` (empty ones left out), this page size and `page`: the
    /// URL of one page of the same list, defaults left out.
    func url(_ path: String, filters: [(String, String)], page: Int) -> String {
        let pairs = (filters + [
            ("limit", limit == CertificateListQuery.pageSizes[0] ? "" : String(limit)), ("page", page == 1 ? "" : String(page)),
        ]).filter { !$0.1.isEmpty }.map { "\($0.0)=\(WebApp.formEncode($0.1))" }
        return path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }
}

/// The pagination bar under a paged list (templates/pagination.mustache): the total, the rows
/// shown, previous and next, the page numbers of `PageWindow`, and the page-size choices for
/// the list's filter form.
struct Pagination {
    struct PageLink {
        let number: Int
        let href: String
        let current: Bool
    }

    let total: Int
    let rangeText: String
    let pages: [PageLink]
    let previous: String?
    let next: String?
    let limitOptions: [SelectOption]
    private let shown: Int

    /// `href`: the URL of a page of the same list, filters and page size kept.
    init(total: Int, shown: Int, request: PageRequest, href: (Int) -> String) {
        let pageCount = max(1, (total + request.limit - 1) / request.limit)
        self.total = total
        self.shown = shown
        let from = shown == 0 ? 0 : request.offset + 1
        rangeText = "\(from)–\(shown == 0 ? 0 : request.offset + shown) of \(total)"
        pages = PageWindow.numbers(current: request.page, pageCount: pageCount).map {
            PageLink(number: $0, href: href($0), current: $0 == request.page)
        }
        previous = request.page > 1 ? href(min(request.page, pageCount + 1) - 1) : nil
        next = request.page < pageCount ? href(request.page + 1) : nil
        limitOptions = CertificateListQuery.pageSizes.map {
            SelectOption(value: String($0), label: "\($0) per page", selected: $0 == request.limit)
        }
    }

    /// What the page says in place of rows: `none` when nothing matches at all; when rows exist
    /// but not on this page (an old bookmark, a hand-edited URL), that it is past the last one.
    /// Nil when the page shows rows.
    func emptyMessage(_ none: String) -> String? {
        shown > 0 ? nil : (total == 0 ? none : "This page is past the last one.")
    }
}

/// Read without a `Mirror`: a list page renders up to seven (see `TemplateFields`).
extension Pagination.PageLink: TemplateFields {
    var templateFields: [String: Any] { ["number": number, "href": href, "current": current] }
}

extension Pagination: TemplateFields {
    var templateFields: [String: Any] {
        var fields: [String: Any] = [
            "total": total, "rangeText": rangeText, "pages": pages.map(\.templateObject),
            "limitOptions": limitOptions.map(\.templateObject), "shown": shown,
        ]
        if let previous { fields["previous"] = previous }
        if let next { fields["next"] = next }
        return fields
    }
}

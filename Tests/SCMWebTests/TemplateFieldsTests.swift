import Testing

@testable import SCMWeb

/// The hand-listed template fields of the hot models must name every stored property, or a
/// template would silently render an empty value.
@Suite struct TemplateFieldsTests {
    @Test func listPageModelsListEveryProperty() {
        let link = OperationLink(title: "Apply", href: "/x", primary: true)
        let row = CertificateListPage.Row(
            id: "scs1", name: "n", href: "/c", domain: "d", moreDomains: "+1 more", typeSummary: "t", description: "",
            expiresAt: "e", statusLabel: "s", tone: "good", progress: 40, hasProgress: true, expireSoon: false,
            project: "default", autoRenewal: "On", autoRenewalHref: "/c/auto-renew", operations: [link], more: [],
            hasMore: false)
        var layout = Layout(
            title: "t", user: "u", csrf: "c", navigation: Layout.navigation(active: "certificates"), crumbs: [], flash: "f")
        layout.unread = "2"
        let pagination = Pagination(total: 31, shown: 10, request: PageRequest(page: 2, limit: 10)) { "/p?page=\($0)" }
        let column = CertificateListPage.SortableColumn(title: "t", href: "/h", indicator: "", ariaSort: "none")
        let models: [TemplateFields] = [
            row, link, CertificateListPage.Option(value: "v", label: "l", selected: true),
            CertificateListPage.SortableColumn(title: "t", href: "/h", indicator: "▲", ariaSort: "ascending"),
            Pagination.PageLink(number: 1, href: "/p", current: true),
            Layout.NavItem(title: "t", href: "/h", icon: "i", active: false),
            Crumb(title: "t", href: "/h"), SelectOption(value: "v", label: "l", selected: false), layout, pagination,
            CertificateListPage(
                layout: layout, statusOptions: [], keyword: "k", rows: [row],
                expiresColumn: column, statusColumn: column, nameColumn: column, pagination: pagination,
                emptyMessage: "none", hiddenSort: "", hiddenDirection: "", expiresWithin: 30, projectOptions: []),
        ]
        for model in models {
            let reflected = Set(Mirror(reflecting: model).children.compactMap(\.label))
            #expect(Set(model.templateFields.keys) == reflected)
            // Used as they are (no second conversion): leaves or template objects only.
            for (name, value) in model.templateFields {
                #expect(Self.isRenderableAsIs(value), "\(type(of: model)).\(name) is a \(type(of: value))")
            }
        }
    }
}

extension TemplateFieldsTests {
    static func isRenderableAsIs(_ value: Any) -> Bool {
        switch value {
        case is String, is Int, is Bool, is TemplateObject, is AllowedActions: true
        case let list as [Any]: list.allSatisfy(isRenderableAsIs)
        default: false
        }
    }
}

/// The pagination bar of the list pages never builds an inverted range, whatever page the URL asks for.
@Suite struct PageWindowTests {
    @Test func staysInsideTheRealPages() {
        #expect(PageWindow.numbers(current: 1, pageCount: 1) == 1...1)
        #expect(PageWindow.numbers(current: 1, pageCount: 12) == 1...7)
        #expect(PageWindow.numbers(current: 6, pageCount: 12) == 3...9)
        #expect(PageWindow.numbers(current: 12, pageCount: 12) == 6...12)
        #expect(PageWindow.numbers(current: 16, pageCount: 12) == 6...12)
        #expect(PageWindow.numbers(current: 5, pageCount: 1) == 1...1)
        #expect(PageWindow.numbers(current: Int.max / 2, pageCount: 3) == 1...3)
    }
}

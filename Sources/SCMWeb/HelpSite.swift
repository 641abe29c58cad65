import Foundation

/// The help pages as HTML documents: the same bytes whether `scm build-help` writes them to
/// public/help/ for nginx or the app renders one for a visitor without a session, in the
/// signed-out frame of templates/help-page.mustache with the console's navigation links kept.
/// For a signed-in user the app renders them in that user's frame (name, unread badge, Sign out).
public struct HelpSite: Sendable {
    let library: HelpLibrary
    let templates: Templates

    public init(library: HelpLibrary, templates: Templates) {
        self.library = library
        self.templates = templates
    }

    /// Loads the pages from `templates.directory`/help.
    public init(templates: Templates) throws {
        self.init(library: try HelpLibrary(directory: templates.directory + "/help"), templates: templates)
    }

    struct TOCEntry {
        let text: String
        let id: String
        let children: [TOCEntry]
    }

    struct PageView {
        let layout: Layout
        let title: String
        let summary: String
        let section: String
        let toc: [TOCEntry]
        let hasTOC: Bool
        /// cmark's output (unsafe HTML off), inserted with `{{{body}}}`.
        let body: String
        let query: String
    }

    struct IndexSection {
        let name: String
        let pages: [IndexEntry]
    }

    struct IndexEntry {
        let title: String
        let href: String
        let summary: String
    }

    struct IndexView {
        let layout: Layout
        let query: String
        let searched: Bool
        let hits: [IndexEntry]
        let sections: [IndexSection]
    }

    /// Builds the console frame of a help page from its title and breadcrumbs.
    typealias Frame = (_ title: String, _ crumbs: [Crumb]) -> Layout

    /// The frame of the static files: nobody signed in.
    static func signedOut(title: String, crumbs: [Crumb]) -> Layout {
        Layout(title: title, user: nil, csrf: "", navigation: Layout.navigation(active: "help"), crumbs: crumbs, flash: nil)
    }

    /// One page as the static file holds it, or nil when there is none with that name.
    public func render(page slug: String) -> String? { render(page: slug, in: Self.signedOut) }

    /// One page in `frame`, or nil when there is none with that name.
    func render(page slug: String, in frame: Frame) -> String? {
        guard let page = library.page(slug) else { return nil }
        var toc: [TOCEntry] = []
        for heading in page.headings where heading.level == 2 || heading.level == 3 {
            let entry = TOCEntry(text: heading.text, id: heading.id, children: [])
            if heading.level == 3, let parent = toc.popLast() {
                toc.append(TOCEntry(text: parent.text, id: parent.id, children: parent.children + [entry]))
            } else {
                toc.append(entry)
            }
        }
        let view = PageView(
            layout: frame(
                page.title + " · Help",
                [Crumb(title: "Help", href: "/help/"), Crumb(title: page.title, href: nil)]),
            title: page.title, summary: page.summary, section: page.section, toc: toc, hasTOC: toc.count > 1,
            body: page.html, query: "")
        return templates.render(view, "help-page")
    }

    /// The index as the static file holds it; with a non-empty `query`, the search results.
    public func renderIndex(query: String = "") -> String { renderIndex(query: query, in: Self.signedOut) }

    /// The index in `frame`; with a non-empty `query`, the pages and headings whose titles match it.
    func renderIndex(query: String, in frame: Frame) -> String {
        let query = String(query.trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        var sections: [IndexSection] = []
        for page in library.pages {
            let entry = IndexEntry(title: page.title, href: "/help/\(page.slug)", summary: page.summary)
            let name = page.section.isEmpty ? "More" : page.section
            if sections.last?.name == name {
                let last = sections.removeLast()
                sections.append(IndexSection(name: name, pages: last.pages + [entry]))
            } else {
                sections.append(IndexSection(name: name, pages: [entry]))
            }
        }
        let hits = library.search(query).map { IndexEntry(title: $0.title, href: $0.href, summary: $0.context) }
        let view = IndexView(
            layout: frame(
                query.isEmpty ? "Help" : "Help: \(query)",
                query.isEmpty ? [] : [Crumb(title: "Help", href: "/help/"), Crumb(title: "Search", href: nil)]),
            query: query, searched: !query.isEmpty, hits: hits, sections: query.isEmpty ? sections : [])
        return templates.render(view, "help-index")
    }

    /// Every page by file name (`{slug}.html`, and `index.html`), as `scm build-help` writes them.
    public func renderAll() -> [String: String] {
        var files = ["index.html": renderIndex()]
        for page in library.pages {
            files[page.slug + ".html"] = render(page: page.slug)
        }
        return files
    }

    public var slugs: [String] { library.pages.map(\.slug) }
}

extension HelpSite {
    /// Writes every page into `directory` (public/help/) for nginx, atomically per file, and
    /// removes the `.html` files of pages that no longer exist so nginx stops serving them.
    /// Returns how many files were written.
    public func write(to directory: String) throws -> Int {
        let output = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let files = renderAll()
        for name in try FileManager.default.contentsOfDirectory(atPath: output.path)
        where name.hasSuffix(".html") && files[name] == nil {
            try FileManager.default.removeItem(at: output.appendingPathComponent(name))
        }
        for (name, html) in files {
            try Data(html.utf8).write(to: output.appendingPathComponent(name), options: .atomic)
        }
        return files.count
    }
}

import CCmark
import Foundation

/// The Markdown help pages of templates/help/, rendered by libcmark.
///
/// Each page is `templates/help/{slug}.md`: an optional first-line comment
/// `<!-- section: Getting started; order: 10 -->` that places it in the index, a `# Title`, a
/// first paragraph used as its summary, then the text. cmark runs with `CMARK_OPT_DEFAULT` and
/// without `CMARK_OPT_UNSAFE`, so raw HTML in a page is dropped and the output is safe to
/// insert unescaped into the page template.
public struct HelpLibrary: Sendable {
    public let pages: [HelpPage]

    /// The index groups pages by section, in this order; a page without a known section goes last.
    static let sections = [
        "Getting started", "Buying and applying", "Verification", "Managing certificates", "Downloads and uploads",
        "Simulators", "Access and automation",
    ]

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and renders every `.md` file of `directory`.
    public init(directory: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var pages: [HelpPage] = []
        for name in names where name.hasSuffix(".md") {
            let slug = String(name.dropLast(3))
            guard HelpPage.isValidSlug(slug) else {
                throw LoadError(description: "help page file name \(name): use lower-case letters, digits and -")
            }
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            pages.append(try HelpPage(slug: slug, markdown: text))
        }
        guard !pages.isEmpty else { throw LoadError(description: "no help pages (*.md) in \(directory)") }
        self.pages = pages.sorted { ($0.sectionRank, $0.order, $0.title) < ($1.sectionRank, $1.order, $1.title) }
    }

    public func page(_ slug: String) -> HelpPage? { pages.first { $0.slug == slug } }

    /// Pages whose title contains every word of `query` (case- and accent-insensitive), then
    /// headings of other pages that do, so "dns" finds the DNS page and the DNS part of Verify.
    func search(_ query: String) -> [HelpSearchHit] {
        let words = query.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return [] }
        func matches(_ text: String) -> Bool {
            words.allSatisfy { text.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
        }
        var hits = pages.filter { matches($0.title) }.map {
            HelpSearchHit(title: $0.title, href: "/help/\($0.slug)", context: $0.summary)
        }
        for page in pages {
            for heading in page.headings where heading.level > 1 && matches(heading.text) {
                hits.append(HelpSearchHit(title: heading.text, href: "/help/\(page.slug)#\(heading.id)", context: page.title))
            }
        }
        return hits
    }
}

struct HelpSearchHit {
    let title: String
    let href: String
    let context: String
}

/// One rendered help page.
public struct HelpPage: Sendable {
    public struct Heading: Sendable, Equatable {
        public let level: Int
        public let text: String
        /// The `id` given to the heading element, derived from its text (see `anchor(for:)`).
        public let id: String
    }

    public let slug: String
    public let title: String
    public let summary: String
    public let section: String
    public let order: Int
    /// Headings below the title (levels 2–6) with their anchors, in document order.
    public let headings: [Heading]
    /// The body as HTML, without the title, every heading carrying its `id`.
    public let html: String

    var sectionRank: Int { HelpLibrary.sections.firstIndex(of: section) ?? HelpLibrary.sections.count }

    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && slug != "index" && slug.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    init(slug: String, markdown: String) throws {
        self.slug = slug
        (section, order) = Self.placement(markdown)
        // The placement comment is for the index only; left in, cmark would write "raw HTML omitted".
        var body = markdown[...]
        if body.hasPrefix("<!--"), let end = body.range(of: "-->") { body = body[end.upperBound...] }
        let source = String(body)
        guard let document = cmark_parse_document(source, source.utf8.count, CMARK_OPT_DEFAULT) else {
            throw HelpLibrary.LoadError(description: "cmark could not parse \(slug).md")
        }
        defer { cmark_node_free(document) }
        guard let first = cmark_node_first_child(document), cmark_node_get_type(first) == CMARK_NODE_HEADING,
            cmark_node_get_heading_level(first) == 1
        else {
            throw HelpLibrary.LoadError(description: "\(slug).md must begin with a '# Title' heading")
        }
        title = Self.text(of: first)
        // The title is shown in the page head, not twice in the body.
        cmark_node_unlink(first)
        cmark_node_free(first)
        var summary = ""
        var child = cmark_node_first_child(document)
        while let node = child {
            if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH {
                summary = Self.text(of: node)
                break
            }
            child = cmark_node_next(node)
        }
        self.summary = summary

        var headings: [Heading] = []
        var used: [String: Int] = [:]
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                cmark_node_get_type(node) == CMARK_NODE_HEADING
            else { continue }
            let text = Self.text(of: node)
            var id = Self.anchor(for: text)
            if let count = used[id] {
                used[id] = count + 1
                id += "-\(count + 1)"
            } else {
                used[id] = 1
            }
            headings.append(Heading(level: Int(cmark_node_get_heading_level(node)), text: text, id: id))
        }
        self.headings = headings
        guard let rendered = cmark_render_html(document, CMARK_OPT_DEFAULT) else {
            throw HelpLibrary.LoadError(description: "cmark could not render \(slug).md")
        }
        defer { free(rendered) }
        html = Self.addingIDs(to: String(cString: rendered), headings)
    }

    /// The anchor of a heading: lower-case letters and digits of its text, other runs of
    /// characters as one `-` ("Verify by DNS (TXT or CNAME)" → `verify-by-dns-txt-or-cname`).
    static func anchor(for text: String) -> String {
        var id = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                id.append(character)
            } else if !id.isEmpty && id.last != "-" {
                id.append("-")
            }
        }
        while id.last == "-" { id.removeLast() }
        return id.isEmpty ? "section" : id
    }

    /// The plain text of a node: its text, code and line-break descendants.
    static func text(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(child) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        return text
    }

    /// cmark writes headings as bare `<h2>` tags in document order, and with raw HTML dropped and
    /// text escaped no other `<hN>` can appear, so the n-th heading tag gets the n-th id.
    static func addingIDs(to html: String, _ headings: [Heading]) -> String {
        var result = ""
        var rest = html[...]
        for heading in headings {
            let tag = "<h\(heading.level)>"
            guard let range = rest.range(of: tag) else { preconditionFailure("cmark heading \(heading.text) not in its HTML") }
            result += rest[..<range.lowerBound]
            result += "<h\(heading.level) id=\"\(heading.id)\">"
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// `<!-- section: NAME; order: N -->` on the first line, if present.
    static func placement(_ markdown: String) -> (String, Int) {
        guard markdown.hasPrefix("<!--"), let end = markdown.range(of: "-->") else { return ("", 1000) }
        var section = ""
        var order = 1000
        let inside = markdown[markdown.index(markdown.startIndex, offsetBy: 4)..<end.lowerBound]
        for part in inside.split(separator: ";") {
            let pair = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "section": section = pair[1]
            case "order": order = Int(pair[1]) ?? 1000
            default: break
            }
        }
        return (section, order)
    }
}

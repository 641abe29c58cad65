import Foundation
import SCMCore
import Testing

@testable import SCMWeb

/// The help pages (issue 9): cmark rendering without raw HTML, anchors, the index and search,
/// the static files of `scm build-help`, and every internal link and anchor of every page.
@Suite struct HelpPagesTests {
    static let templates = Result { try Templates(directory: ConsoleBrowser.repositoryRoot + "/templates") }

    static func site() throws -> HelpSite { try HelpSite(templates: try templates.get()) }

    static func values(_ attribute: String, in html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: attribute + #"="([^"]*)""#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]).replacingOccurrences(of: "&amp;", with: "&") }
        }
    }

    @Test func rawHTMLIsDroppedAndHeadingsGetAnchors() throws {
        let page = try HelpPage(
            slug: "sample",
            markdown: """
                <!-- section: Simulators; order: 5 -->
                # Sample page

                First *paragraph* here.

                <script>alert(1)</script>

                ## Verify by DNS (TXT or `CNAME`)

                Text with <b onclick="x()">inline</b> HTML and a [link](javascript:alert(1)).

                ## Verify by DNS (TXT or `CNAME`)

                ### E-mail: admin@

                `<h2>` in code stays text.
                """)
        #expect(page.title == "Sample page")
        #expect(page.summary == "First paragraph here.")
        #expect(page.section == "Simulators" && page.order == 5)
        #expect(!page.html.contains("<script") && !page.html.contains("onclick") && !page.html.contains("<b"))
        #expect(!page.html.contains("javascript:"))
        #expect(!page.html.contains("<h1"), "the title is shown in the page head, not in the body")
        #expect(
            page.headings.map(\.id) == ["verify-by-dns-txt-or-cname", "verify-by-dns-txt-or-cname-2", "e-mail-admin"])
        #expect(
            page.html.contains(#"<h2 id="verify-by-dns-txt-or-cname">Verify by DNS (TXT or <code>CNAME</code>)</h2>"#))
        #expect(page.html.contains(#"<h3 id="e-mail-admin">"#))
        #expect(page.html.contains("<code>&lt;h2&gt;</code>"))
    }

    /// cmark renders CommonMark, which has no tables: a GitHub-style table would show as a
    /// paragraph of pipes and dashes.
    @Test func noPageHasATableCmarkLeavesAsText() throws {
        let site = try Self.site()
        for slug in site.slugs {
            let html = try #require(site.render(page: slug))
            #expect(!html.contains("|---") && !html.contains("| --- |"), "\(slug) has a Markdown table; write a list")
        }
    }

    @Test func aPageWithoutTitleIsRefused() {
        #expect(throws: HelpLibrary.LoadError.self) { try HelpPage(slug: "x", markdown: "Just text.\n\n## Part\n") }
    }

    @Test func pageHasTableOfContentsAndTheConsoleFrame() throws {
        let html = try #require(try Self.site().render(page: "verify-domain"))
        #expect(html.contains("<h1>Verify domain names</h1>"))
        #expect(html.contains(##"<a href="#dns-verification">DNS verification</a>"##))
        #expect(
            html.contains(##"<a href="#txt-record-the-default">TXT record (the default)</a>"##),
            "h3 entries are nested in the TOC")
        #expect(html.contains(#"<h2 id="dns-verification">"#))
        #expect(html.contains(#"href="/certificates" class="nav-certificates"#), "navigation kept without a session")
        #expect(html.contains(#"aria-current="page">Help</a>"#))
        #expect(!html.contains("csrf") && !html.contains("Sign out"), "static pages hold nothing of a session")
    }

    @Test func indexGroupsEveryPageAndSearchMatchesTitles() throws {
        let site = try Self.site()
        let index = site.renderIndex()
        for slug in site.slugs { #expect(index.contains(#"href="/help/\#(slug)""#), "index lists \(slug)") }
        #expect(index.contains("<h2>Getting started</h2>") && index.contains("<h2>Verification</h2>"))

        let dns = site.renderIndex(query: "dns")
        #expect(dns.contains(#"href="/help/dns">DNS simulator</a>"#))
        #expect(dns.contains(#"href="/help/verify-domain#dns-verification">DNS verification</a>"#))
        #expect(!dns.contains(#"href="/help/buy""#))
        let none = site.renderIndex(query: "zzzz-nothing")
        #expect(none.contains("No help page or section title contains"))
        #expect(site.renderIndex(query: "<script>").contains("&lt;script&gt;"))
    }

    @Test func routesServeThePagesAnonymouslyAndTheSameBytesAsBuildHelp() throws {
        let site = try Self.site()
        let app = WebApp(context: try ConsoleBrowser().context, templates: try Self.templates.get())
        func get(_ uri: String) -> HTTPResponse {
            app.handle(HTTPRequest(method: "GET", uri: uri, headers: [:], body: [], remoteAddress: "127.0.0.1"))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("help-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("stale".utf8).write(to: URL(fileURLWithPath: directory + "/removed-page.html"))
        #expect(try site.write(to: directory) == site.slugs.count + 1)
        #expect(!FileManager.default.fileExists(atPath: directory + "/removed-page.html"))

        for slug in site.slugs {
            let response = get("/help/\(slug)")
            #expect(response.status == 200, "/help/\(slug)")
            let file = try String(contentsOfFile: directory + "/\(slug).html", encoding: .utf8)
            #expect(String(decoding: response.body, as: UTF8.self) == file, "static \(slug).html equals the app's page")
        }
        let index = try String(contentsOfFile: directory + "/index.html", encoding: .utf8)
        #expect(String(decoding: get("/help").body, as: UTF8.self) == index)
        #expect(String(decoding: get("/help/buy.html").body, as: UTF8.self) == site.render(page: "buy"))
        #expect(get("/help/no-such-page").status == 404)
        #expect(get("/help?q=renew").status == 200)
    }

    /// The Markdown is read and rendered once, when the app starts: a request reads no file
    /// (removing the help folder afterwards changes nothing), and a signed-in user gets the
    /// page in their own frame.
    @Test func helpIsBuiltOnceAndShownInTheSignedInFrame() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.copyItem(atPath: ConsoleBrowser.repositoryRoot + "/templates", toPath: copy)
        let app = WebApp(context: try ConsoleBrowser().context, templates: try Templates(directory: copy))
        let before = app.handle(
            HTTPRequest(method: "GET", uri: "/help/buy", headers: [:], body: [], remoteAddress: "127.0.0.1"))
        try FileManager.default.removeItem(atPath: copy + "/help")
        let after = app.handle(
            HTTPRequest(method: "GET", uri: "/help/buy", headers: [:], body: [], remoteAddress: "127.0.0.1"))
        #expect(before.status == 200 && after.status == 200 && after.body == before.body)

        let browser = try ConsoleBrowser()
        for uri in ["/help/buy", "/help", "/help?q=renew"] {
            let page = browser.get(uri)
            #expect(page.status == 200, "\(uri)")
            #expect(
                page.html.contains(#"<span class="user-name" title="Signed in">alice</span>"#), "\(uri) names the user")
            #expect(
                page.html.contains("Sign out") && page.html.contains(#"href="/certificates" class="nav-certificates"#),
                "\(uri)")
        }
    }

    /// Every link of every help page: help pages and their anchors must exist; console pages the
    /// help text links to must answer 200 to a signed-in user; nothing leaves the site.
    @Test func everyInternalLinkAndAnchorResolves() throws {
        let site = try Self.site()
        var pages: [String: String] = ["index": site.renderIndex()]
        for slug in site.slugs { pages[slug] = site.render(page: slug) }
        let browser = try ConsoleBrowser()
        var checkedConsolePages: [String: Int] = [:]
        var links = 0
        // The frame's navigation is the console layout's (its pages belong to other issues);
        // what is checked here is what the help itself links to.
        let navigation = Set(Layout.navigation(active: "").map(\.href))
        for (slug, html) in pages {
            let ids = Set(Self.values("id", in: html))
            for href in Self.values("href", in: html) {
                links += 1
                if href.hasPrefix("#") {
                    #expect(ids.contains(String(href.dropFirst())), "\(slug): anchor \(href) has no target")
                    continue
                }
                #expect(href.hasPrefix("/") && !href.hasPrefix("//"), "\(slug): \(href) leaves the console")
                let parts = href.split(separator: "#", maxSplits: 1).map(String.init)
                let path = parts[0]
                if path == "/help/" || path == "/help" {
                    #expect(parts.count == 1, "\(slug): \(href)")
                } else if path.hasPrefix("/help/") {
                    let target = String(path.dropFirst("/help/".count))
                    let targetHTML = try #require(pages[target], "\(slug): \(href) is not a help page")
                    if parts.count == 2 {
                        #expect(
                            Set(Self.values("id", in: targetHTML)).contains(parts[1]), "\(slug): \(href) anchor missing"
                        )
                    }
                } else if path.hasPrefix("/css/") || path.hasPrefix("/img/") {
                    let file = ConsoleBrowser.repositoryRoot + "/public" + path
                    #expect(FileManager.default.fileExists(atPath: file), "\(slug): \(path) is not in public/")
                } else if !navigation.contains(path) {
                    if checkedConsolePages[path] == nil { checkedConsolePages[path] = browser.get(path).status }
                    #expect(
                        checkedConsolePages[path] == 200, "\(slug): \(path) answered \(checkedConsolePages[path] ?? 0)")
                }
            }
        }
        #expect(links > 300)
    }

    /// Every console page built on the layout has its "?" button (issue 9), and the "?" buttons
    /// and help links of the console pages lead to existing help pages and anchors. The sign-in
    /// and error pages have no topic of their own.
    @Test func everyConsolePageHelpLinkExists() throws {
        let site = try Self.site()
        let directory = ConsoleBrowser.repositoryRoot + "/templates"
        var found = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            if text.contains("{{<layout}}") && !["login.mustache", "error.mustache"].contains(name) {
                #expect(
                    text.contains(#" title="Help on this page">?</a>"#), "\(name) has no \"?\" link to its help page")
            }
            for href in Self.values("href", in: text)
            where href.hasPrefix("/help/") && href != "/help/" && href != "/help/for{{action}}" {
                found += 1
                let parts = href.dropFirst("/help/".count).split(separator: "#", maxSplits: 1).map(String.init)
                let html = try #require(site.render(page: parts[0]), "\(name) links \(href)")
                if parts.count == 2 { #expect(Self.values("id", in: html).contains(parts[1]), "\(name): \(href)") }
            }
        }
        #expect(found >= 20)
        for required in ["certificates", "certificate-details", "buy", "apply", "verify-domain"] {
            #expect(site.render(page: required) != nil, "\(required) is linked by the console")
        }
    }

    /// Operation pages (confirm, fields) link to /help/for + their form action, which redirects.
    @Test func everyOperationHasAHelpPage() throws {
        let site = try Self.site()
        for operation in Certificate.Operation.allCases {
            #expect(site.render(page: WebApp.helpPage(for: operation)) != nil, "\(operation)")
        }
        let browser = try ConsoleBrowser()
        let response = browser.get("/help/for/certificates/abc123/cancel-privacy")
        #expect(response.status == 302 || response.status == 303)
        #expect(response.location == "/help/privacy")
        #expect(browser.get("/help/for/certificates/abc123/nonsense").location == "/help/")
    }
}

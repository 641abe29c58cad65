import Foundation
import SCMCore
import SCMStore
import Testing

@testable import SCMWeb

/// The overview page and the list's `expires_within` filter (issue 9), on a fixed clock:
/// 2026-01-01 00:00 UTC.
@Suite struct OverviewPageTests {
    /// Certificates whose expiry is `days` after the clock, in `status`.
    static func insert(_ browser: ConsoleBrowser, _ rows: [(String, Certificate.Status, Double?)]) throws {
        for (index, (name, status, days)) in rows.enumerated() {
            var certificate = Certificate(
                id: "ov\(index)", name: name, brand: .digiCert, type: .dv, domainType: .single, domainQuota: 1,
                status: status, createdAt: browser.clock.now)
            certificate.domain = "\(name).example.com"
            certificate.notAfter = days.map { browser.clock.now + .days($0) }
            let inserted = certificate
            try browser.context.database.write { try $0.insert(inserted, ownerID: browser.principal.userID) }
        }
    }

    static let sample: [(String, Certificate.Status, Double?)] = [
        ("in-5-days", .issued, 5), ("in-20-days", .issued, 20), ("hosted-10", .upload, 10), ("in-45-days", .issued, 45),
        ("in-80-days", .issued, 80), ("in-200-days", .issued, 200), ("revoked-5", .revoked, 5), ("gone", .expired, -3),
        ("new-one", .paid, nil), ("exactly-7", .issued, 7),
    ]

    @Test func overviewCountsStatusesAndExpiries() throws {
        let browser = try ConsoleBrowser()
        try Self.insert(browser, Self.sample)
        let page = browser.get("/overview")
        #expect(page.status == 200)
        let html = page.html
        #expect(html.contains("10 certificates"))
        // Expiring within 7/30/60/90 days: ISSUED and UPLOAD only, both ends inclusive.
        for (days, count) in [(7, 2), (30, 4), (60, 5), (90, 6)] {
            #expect(
                html.contains(#"href="/certificates?expires_within=\#(days)&amp;sort=expires&amp;dir=asc"><strong>\#(count)</strong> within \#(days) days"#),
                "within \(days) days: \(count)")
        }
        #expect(html.contains(#"<th scope="row">Issued</th><td class="mono">ISSUED</td><td class="num"><a href="/certificates?status=ISSUED">6</a>"#))
        #expect(html.contains(#"<a href="/certificates?status=UPLOAD">1</a>"#))
        #expect(!html.contains("status=CHECKING\""), "statuses without certificates are left out")

        // Charts: role img, title and description with the numbers, and the table fallback.
        #expect(html.contains(#"<svg role="img" aria-labelledby="status-chart-title status-chart-desc""#))
        #expect(html.contains(#"<title id="month-chart-title">Expiries per month, next 12 months</title>"#))
        #expect(html.contains("Jan 2026: 4; Feb 2026: 1; Mar 2026: 1; Apr 2026: 0"))
        #expect(html.contains("Jul 2026: 1"))
        #expect(html.contains(#"<th scope="row">Jan 2026</th><td class="num">4</td>"#))
        #expect(html.contains(#"<th scope="row">Dec 2026</th><td class="num">0</td>"#))
        #expect(!html.contains("Jan 2027"))
        #expect(html.contains(#"<th scope="row">Next 12 months</th><td class="num">7</td>"#))
        #expect(!html.contains("style="), "the CSP forbids inline styles")
        // The busiest month is drawn full height (150), the others in proportion.
        #expect(html.contains(##"y="24" width="32" height="150" fill="#0060d0""##))
        #expect(html.contains(##"height="37" fill="#0060d0""##))
    }

    @Test func emptyOverviewSaysSo() throws {
        let browser = try ConsoleBrowser()
        let html = browser.get("/overview").html
        #expect(html.contains("No certificates yet."))
        #expect(html.contains("<strong>0</strong> within 90 days"))
        #expect(html.contains("Next 12 months</th><td class=\"num\">0</td>"))
    }

    @Test func homeRedirectsToOverviewWhichLeadsTheNavigation() throws {
        let browser = try ConsoleBrowser()
        let home = browser.get("/")
        #expect(home.status == 302 || home.status == 303)
        #expect(home.location == "/overview")
        let html = browser.get("/overview").html
        let overview = try #require(html.range(of: #"href="/overview" class="nav-overview active""#))
        let certificates = try #require(html.range(of: #"href="/certificates" class="nav-certificates""#))
        #expect(overview.lowerBound < certificates.lowerBound)
    }

    @Test func listFiltersByExpiryAndKeepsTheFilter() throws {
        let browser = try ConsoleBrowser()
        try Self.insert(browser, Self.sample)
        let page = browser.get("/certificates?expires_within=30&sort=expires&dir=asc")
        #expect(page.status == 200)
        let names = ["in-5-days", "exactly-7", "hosted-10", "in-20-days"]
        var last = page.html.startIndex
        for name in names {
            let found = try #require(page.html.range(of: ">\(name)<", range: last..<page.html.endIndex), "\(name) listed in expiry order")
            last = found.upperBound
        }
        for name in ["in-45-days", "revoked-5", "gone", "new-one"] { #expect(!page.html.contains(">\(name)<")) }
        #expect(page.html.contains(#"<input type="hidden" name="expires_within" value="30">"#))
        #expect(page.html.contains("expires_within=30&amp;sort=name"), "sorting links keep the filter")

        let bad = browser.get("/certificates?expires_within=0")
        #expect(bad.status == 400)
        #expect(bad.html.contains("expires_within must be a whole number of days from 1 to 3650."))
    }
}

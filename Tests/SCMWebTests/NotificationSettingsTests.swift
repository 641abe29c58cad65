import Foundation
import SCMCore
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// Issue 9: the notification settings page, and the scheduler sending reminders on the user's
/// own ladder with their own wording, once each.
@Suite struct NotificationSettingsTests {
    static func issued(_ browser: ConsoleBrowser, id: String, name: String, days: Double) throws -> Certificate {
        var certificate = Certificate(
            id: id, name: name, brand: .digiCert, type: .dv, domainType: .single, domainQuota: 1, status: .issued,
            createdAt: browser.clock.now)
        certificate.domain = "\(name).example.com"
        certificate.notAfter = browser.clock.now + .days(days)
        let inserted = certificate
        try browser.context.database.write { try $0.insert(inserted, ownerID: browser.principal.userID) }
        return certificate
    }

    @Test func pageShowsDefaultsPreviewAndSwitches() throws {
        let browser = try ConsoleBrowser()
        _ = try Self.issued(browser, id: "n1", name: "shop-www", days: 40)
        let page = browser.get("/messages/settings")
        #expect(page.status == 200)
        #expect(page.html.contains(#"<input id="ladder" name="ladder" value="60, 30, 7, 3, 1">"#))
        #expect(page.html.contains("<strong>Certificate shop-www expires in one month</strong>"))
        #expect(page.html.contains(#"<input type="checkbox" name="expiring" value="n1" checked>"#))
        #expect(page.html.contains(#"<td class="mono">{days_left}</td>"#))
        #expect(browser.get("/messages").html.contains(#"href="/messages/settings""#))
    }

    @Test func refusalsAreShownAtTheirFieldsAndNothingIsSaved() throws {
        let browser = try ConsoleBrowser()
        let response = browser.post(
            "/messages/settings",
            ["ladder": "45, 45", "expiring_title": "{nmae}", "expiring_body": "ok", "expired_title": "ok", "expired_body": "ok"])
        #expect(response.status == 400)
        #expect(response.html.contains(#"<input id="ladder" name="ladder" value="45, 45" class="invalid">"#))
        #expect(response.html.contains("The day 45 is given twice."))
        #expect(response.html.contains("Unknown variable {nmae}."))
        #expect(try browser.context.database.read { try $0.reminderSettings(userID: browser.principal.userID) } == .default)
    }

    @Test func customLadderAndTemplatesDriveTheRemindersOnceEach() throws {
        let browser = try ConsoleBrowser()
        let saved = try browser.postAndFollow(
            "/messages/settings",
            [
                "ladder": "15, 45", "expiring_title": "{name}: {days_left} days left",
                "expiring_body": "{domains} expires on {expiry_date} ({status}).", "expired_title": "{name} expired",
                "expired_body": "{advice}",
            ])
        #expect(saved.html.contains("Saved: reminders 45, 15 days before expiry and on the day."))
        let certificate = try Self.issued(browser, id: "n2", name: "shop-www", days: 50)
        let expiry = ExpiryService(context: browser.context)
        let notAfter = try #require(certificate.notAfter)

        browser.clock.set(notAfter - .days(45) - 1)
        #expect(try expiry.runOnce() == 0)
        browser.clock.set(notAfter - .days(45))
        #expect(try expiry.runOnce() == 1)
        #expect(try expiry.runOnce() == 0, "never twice")
        browser.clock.set(notAfter - .days(15))
        #expect(try expiry.runOnce() == 1)
        let messages = try browser.context.database.read { try $0.messages(certificateID: "n2") }
        #expect(messages.map(\.title) == ["shop-www: 45 days left", "shop-www: 15 days left"])
        #expect(messages.first?.body == "shop-www.example.com expires on 2026-02-20 (Issued).")
        #expect(try browser.context.database.read { try $0.remindersSent(certificateID: "n2") } == ["45-days", "15-days"])

        // Restoring the defaults brings back RULES.md §6's wording (7 days: "in one week"). The
        // session has expired on the moved clock, so the page's service is called directly.
        try NotificationSettingsService(context: browser.context).reset(by: browser.principal)
        browser.clock.set(notAfter - .days(7))
        #expect(try expiry.runOnce() == 1)
        let last = try browser.context.database.read { try $0.messages(certificateID: "n2") }.last
        #expect(last?.title == "Certificate shop-www expires in one week")
    }

    @Test func resetRestoresTheDefaults() throws {
        let browser = try ConsoleBrowser()
        _ = try browser.postAndFollow(
            "/messages/settings",
            ["ladder": "9", "expiring_title": "{name}", "expiring_body": "{id}", "expired_title": "{name}", "expired_body": "{id}"])
        #expect(try browser.postAndFollow("/messages/settings/reset").html.contains("back to the defaults"))
        #expect(try browser.context.database.read { try $0.reminderSettings(userID: browser.principal.userID) } == .default)
    }

    @Test func switchesFollowTheCheckboxes() throws {
        let browser = try ConsoleBrowser()
        _ = try Self.issued(browser, id: "s1", name: "one", days: 20)
        _ = try Self.issued(browser, id: "s2", name: "two", days: 80)
        // s1: only the notice on the day; s2: unchanged (both on).
        let page = try browser.postAndFollow(
            "/messages/settings/switches", ["cert": "s1", "expired": "s1"])
        #expect(page.html.contains("Notifications updated for 1 certificate."))
        let s1 = try #require(try browser.context.database.read { try $0.certificate(id: "s1") })
        #expect(!s1.notifyExpiring && s1.notifyExpired)
        let s2 = try #require(try browser.context.database.read { try $0.certificate(id: "s2") })
        #expect(s2.notifyExpiring && s2.notifyExpired)
        #expect(page.html.contains(#"<input type="checkbox" name="expiring" value="s1">"#))
        let unknown = browser.post("/messages/settings/switches", ["cert": "nope"])
        #expect(unknown.status == 404)
    }
}

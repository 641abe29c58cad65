import Foundation
import SCMCore
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// The mailbox simulator's pages (RULES.md §5): list, read marking, following a link once.
@Suite struct MailboxPagesTests {
    @Test func followingADomainConfirmationVerifiesTheDomain() throws {
        let browser = try ConsoleBrowser()
        let id = "scs1700000000003"
        let validation = DomainValidation(
            certificateID: id, domain: "example.com", method: .email, token: "mail-token-1", email: "admin@example.com")
        _ = try browser.insertCertificate(id: id, domain: "example.com", status: .checking, validations: [validation])
        let mail = try browser.context.database.write { store in
            try store.deliver(
                Mail(
                    recipient: "admin@example.com",
                    subject: "[DigiCert] Confirm the certificate request for example.com",
                    body: "A certificate request names example.com.\nIf you approve it, follow the link.",
                    certificateID: id,
                    action: .confirmDomain, actionToken: "mail-token-1", createdAt: browser.clock.now))
        }
        _ = try browser.context.database.write { store in
            try store.deliver(
                Mail(recipient: "someone@other.test", subject: "Reminder", body: "Hello", createdAt: browser.clock.now))
        }

        let list = browser.get("/cloud/mail")
        #expect(list.status == 200)
        #expect(list.html.contains("<strong>[DigiCert] Confirm the certificate request for example.com</strong>"))
        #expect(list.html.contains(#"href="/certificates/\#(id)""#))
        #expect(list.html.contains("Awaiting your answer"))
        let filtered = browser.get("/cloud/mail?to=someone%40other.test")
        #expect(filtered.html.contains("Reminder"))
        #expect(!filtered.html.contains("Confirm the certificate request"))

        let page = browser.get("/cloud/mail/\(mail.id)")
        #expect(page.status == 200)
        #expect(page.html.contains("A certificate request names example.com.<br>If you approve it"))
        #expect(page.html.contains(#"<input type="hidden" name="token" value="mail-token-1">"#))
        #expect(page.html.contains("Confirm domain ownership"))
        #expect(try browser.context.database.read { try $0.mail(id: mail.id) }?.readAt != nil)
        #expect(!browser.get("/cloud/mail").html.contains("<strong>[DigiCert]"))

        let wrongToken = browser.post("/cloud/mail/\(mail.id)/follow", ["token": "guess"])
        #expect(wrongToken.status == 403)
        #expect(wrongToken.html.contains("The link is not valid for this message."))

        let followed = browser.post("/cloud/mail/\(mail.id)/follow", ["token": "mail-token-1"])
        #expect(followed.status == 303)
        #expect(followed.location == "/certificates/\(id)")
        #expect(
            browser.cookies[WebApp.flashCookie]?.removingPercentEncoding
                == "Domain ownership confirmed for example.com (certificate \(id)).")
        let validations = try browser.context.database.read { try $0.validations(certificateID: id) }
        #expect(validations.first?.verifiedAt != nil)
        let certificate = try browser.context.database.read { try $0.certificate(id: id) }
        #expect(certificate?.status == .issuing)

        let again = browser.get("/cloud/mail/\(mail.id)")
        #expect(again.html.contains("Answered on 2026-01-01 00:00:00 UTC."))
        #expect(!again.html.contains("Confirm domain ownership</button>"))
        let twice = browser.post("/cloud/mail/\(mail.id)/follow", ["token": "mail-token-1"])
        #expect(twice.status == 409)
        #expect(twice.html.contains("This link was already used"))

        #expect(browser.get("/cloud/mail/0").status == 404)
        #expect(browser.get("/cloud/mail/abc").status == 404)
    }

    @Test func organizationVerificationButton() throws {
        let browser = try ConsoleBrowser()
        let id = "scs1700000000004"
        _ = try browser.insertCertificate(id: id, domain: "example.com", status: .checkingOrg, type: .ov)
        let mail = try browser.context.database.write { store in
            try store.deliver(
                Mail(
                    recipient: "alice@example.com", subject: "Organization verification", body: "Confirm.",
                    certificateID: id,
                    action: .verifyOrganization, actionToken: "org-token", createdAt: browser.clock.now))
        }
        #expect(browser.get("/cloud/mail/\(mail.id)").html.contains(">Confirm organization</button>"))
        let followed = browser.post("/cloud/mail/\(mail.id)/follow", ["token": "org-token"])
        #expect(followed.status == 303)
        #expect(
            browser.get(try #require(followed.location)).html.contains("Organization confirmed for certificate \(id)."))
        #expect(try browser.context.database.read { try $0.certificate(id: id) }?.status == .issuing)
    }
}

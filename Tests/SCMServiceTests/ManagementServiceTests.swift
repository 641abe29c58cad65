import Foundation
import Logging
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore
import Testing

@testable import SCMService

/// The operations after issuance (RULES.md §3, §6) on an in-memory database with a fixed clock
/// and the CA reviewing at once (review scale 0).
final class World {
    let clock = FixedClock(Date(timeIntervalSince1970: 1_767_225_600))  // 2026-01-01 UTC
    let context: ServiceContext
    let user = Principal(userID: 0, name: "tester", isAdmin: true)

    init() throws {
        context = ServiceContext(
            database: try AppDatabase.inMemory(), clock: clock, identifiers: RandomIdentifiers(), logger: Logger(label: "test"),
            sealer: try KeySealer(masterKey: SecureRandom.bytes(32)), reviewScale: 0)
        try CAService(context: context).ensureAuthorities()
        _ = try context.database.write { try $0.insertZone(name: "example.com", at: clock.now) }
    }

    var management: ManagementService { ManagementService(context: context) }
    func load(_ id: String) throws -> Certificate { try context.loadCertificate(id) }

    /// Bought by `buyer` (the tester by default), who owns the certificate and gets its messages.
    func buy(
        _ type: CertificateType = .dv, domainType: DomainType = .single, quota: Int = 1, brand: CABrand = .digiCert,
        by buyer: Principal? = nil
    ) throws -> Certificate {
        let purchase = PurchaseRequest(
            brand: brand, type: type, domainType: domainType, multiDomainPrimary: .single, domainQuantity: quota, years: 1,
            quantity: 1, enterpriseProject: "default", tags: [], agreed: true)
        return try LifecycleService(context: context).buy(purchase, by: buyer ?? user).certificates[0]
    }

    static func form(_ domain: String, sans: String = "", email: String = "alice@applicant.test") -> ApplicationForm {
        ApplicationForm(
            primaryDomain: domain, additionalDomains: sans, companyName: "Example Ltd", country: "CN", province: "Guangdong",
            city: "Shenzhen", applicantName: "Alice Zhang", applicantPhone: "+8613800000000", applicantEmail: email, agreed: true)
    }

    /// Publishes every pending DNS proof and lets its TTL pass.
    func prove(_ id: String) throws {
        let certificate = try load(id)
        try context.database.write { store in
            for validation in try store.reader.validations(certificateID: id) where validation.verifiedAt == nil {
                let zone = try #require(try store.reader.dnsZone(containing: validation.dnsHost(domainType: certificate.domainType)))
                var set = try store.reader.dnsRecordSet(name: validation.dnsHost(domainType: certificate.domainType), type: .txt)
                    ?? DNSRecordSet(zoneID: zone.id, name: validation.dnsHost(domainType: certificate.domainType), type: .txt, values: [], savedAt: clock.now)
                set.values.append("\"\(validation.token)\"")
                set.savedAt = clock.now
                _ = try store.save(set)
            }
        }
        clock.advance(by: 301)
        try CAService(context: context).tick()
    }

    func issued(
        _ type: CertificateType = .dv, domainType: DomainType = .single, quota: Int = 1, domain: String = "www.example.com",
        sans: String = "", by buyer: Principal? = nil
    ) throws -> Certificate {
        let bought = try buy(type, domainType: domainType, quota: quota, by: buyer)
        _ = try LifecycleService(context: context).apply(certificateID: bought.id, form: Self.form(domain, sans: sans), by: user)
        try prove(bought.id)
        if type.verifiesOrganization {
            let mail = try #require(try context.database.read { try $0.pendingMail(certificateID: bought.id, action: .verifyOrganization) })
            _ = try CAService(context: context).followLink(mailID: mail.id, token: mail.actionToken, by: user)
        }
        let certificate = try load(bought.id)
        #expect(certificate.status == .issued)
        return certificate
    }
}

@Suite struct ManagementServiceTests {
    @Test func dvRevocationIsImmediateAndHappensOnce() throws {
        let world = try World()
        let certificate = try world.issued()
        let revoked = try world.management.revoke(certificateID: certificate.id, reason: "key lost", by: world.user)
        #expect(revoked.status == .revoked)
        #expect(try world.context.database.read { try $0.isRevoked(serialNumber: certificate.serialNumber) })
        #expect(throws: Refusal(.wrongStatus, "")) { try world.management.revoke(certificateID: certificate.id, reason: "", by: world.user) }
    }

    @Test func ovRevocationWaitsForTheApplicantsMail() throws {
        let world = try World()
        let certificate = try world.issued(.ov)
        let revoking = try world.management.revoke(certificateID: certificate.id, reason: "", by: world.user)
        #expect(revoking.status == .revoking)
        #expect(revoking.awaitingConfirmation == .revocation)
        let mail = try #require(try world.context.database.read { try $0.pendingMail(certificateID: certificate.id, action: .confirmRevocation) })
        #expect(mail.recipient == "alice@applicant.test")
        try CAService(context: world.context).tick()
        #expect(try world.load(certificate.id).status == .revoking)
        _ = try CAService(context: world.context).followLink(mailID: mail.id, token: mail.actionToken, by: world.user)
        #expect(try world.load(certificate.id).status == .revoked)
    }

    @Test func revokeIsRefusedWithinThirtyDaysOfExpiry() throws {
        let world = try World()
        let certificate = try world.issued()
        world.clock.set(try #require(certificate.notAfter) - .days(30))
        #expect(throws: Refusal(.revokeNearExpiry, "")) { try world.management.revoke(certificateID: certificate.id, reason: "", by: world.user) }
    }

    @Test func unsubscribeRefundsWithinSevenDaysAndRemovesTheCertificate() throws {
        let world = try World()
        let certificate = try world.buy(.ov)
        #expect(throws: RefusalList([.invalid("acknowledge", "")])) {
            try world.management.unsubscribe(certificateID: certificate.id, acknowledged: false, by: world.user)
        }
        world.clock.advance(by: .days(7))
        let refund = try world.management.unsubscribe(certificateID: certificate.id, acknowledged: true, by: world.user)
        #expect(refund.kind == .refund)
        #expect(refund.amount == certificate.price)
        let order = try #require(try world.context.database.read { try $0.order(id: certificate.orderID ?? "") })
        #expect(order.refunded == certificate.price)
        #expect(try world.context.database.read { try $0.certificate(id: certificate.id) } == nil)

        let late = try world.buy(.ov)
        world.clock.advance(by: .days(7) + 1)
        #expect(throws: Refusal(.refundWindowClosed, "")) {
            try world.management.unsubscribe(certificateID: late.id, acknowledged: true, by: world.user)
        }
    }

    @Test func withdrawalReturnsToPendingApplicationWithTheDataKept() throws {
        let world = try World()
        let bought = try world.buy()
        _ = try LifecycleService(context: world.context).apply(certificateID: bought.id, form: World.form("www.example.com"), by: world.user)
        let withdrawn = try world.management.withdraw(certificateID: bought.id, by: world.user)
        #expect(withdrawn.status == .paid)
        let form = try LifecycleService(context: world.context).applyForm(certificateID: bought.id, by: world.user)
        #expect(form.primaryDomain == "www.example.com")
        #expect(form.applicantEmail == "alice@applicant.test")
        #expect(throws: Refusal(.wrongStatus, "")) { try world.management.withdraw(certificateID: bought.id, by: world.user) }
    }

    @Test func reissueWaitsForConfirmationThenRevokesTheOldCertificate() throws {
        let world = try World()
        let certificate = try world.issued()
        world.clock.advance(by: .days(2))
        let reissuing = try world.management.reissue(certificateID: certificate.id, form: World.form("shop.example.com"), by: world.user)
        #expect(reissuing.status == .reissuing)
        #expect(listOperations(for: reissuing, now: world.clock.now).shown == [.confirmOperation])
        try world.prove(certificate.id)
        #expect(try world.load(certificate.id).status == .reissuing)
        let mail = try #require(try world.context.database.read { try $0.pendingMail(certificateID: certificate.id, action: .confirmReissue) })
        _ = try CAService(context: world.context).followLink(mailID: mail.id, token: mail.actionToken, by: world.user)
        let reissued = try world.load(certificate.id)
        #expect(reissued.status == .issued)
        #expect(reissued.domain == "shop.example.com")
        #expect(reissued.serialNumber != certificate.serialNumber)
        #expect(reissued.notAfter == certificate.notAfter)
        #expect(try world.context.database.read { try $0.isRevoked(serialNumber: certificate.serialNumber) })
    }

    @Test func reissueWindowClosesAfterTwentyFiveDays() throws {
        let world = try World()
        let certificate = try world.issued()
        world.clock.set(try #require(certificate.issuedAt) + .days(25) + 1)
        #expect(throws: Refusal(.reissueWindowClosed, "")) {
            try world.management.reissue(certificateID: certificate.id, form: World.form("shop.example.com"), by: world.user)
        }
    }

    @Test func anUnansweredReissueConfirmationFailsThirtyDaysAfterTheReissue() throws {
        let world = try World()
        let certificate = try world.issued()
        let reissuing = try world.management.reissue(
            certificateID: certificate.id, form: World.form("shop.example.com"), by: world.user)
        try world.prove(certificate.id)
        let ca = CAService(context: world.context)
        let submitted = try #require(reissuing.appliedAt)
        world.clock.set(submitted + .days(30))
        try ca.tick()
        #expect(try world.load(certificate.id).status == .reissuing)

        world.clock.set(submitted + .days(30) + 1)
        try ca.tick()
        let failed = try world.load(certificate.id)
        #expect(failed.status == .unpassed)
        #expect(failed.failReason?.contains("confirmation of the old certificate's cancellation") == true)
        #expect(failed.awaitingConfirmation == nil)
        // Never confirmed, so never cancelled: the old certificate is not revoked.
        #expect(try !world.context.database.read { try $0.isRevoked(serialNumber: certificate.serialNumber) })
        let mail = try #require(
            try world.context.database.read { try $0.pendingMail(certificateID: certificate.id, action: .confirmReissue) })
        #expect(throws: Refusal(.conflict, "")) {
            try ca.followLink(mailID: mail.id, token: mail.actionToken, by: world.user)
        }
    }

    @Test func addedDomainsGetANewCertificateWithTheSameExpiry() throws {
        let world = try World()
        let certificate = try world.issued(.ov, domainType: .multiple, quota: 3, domain: "a.example.com", sans: "b.example.com")
        #expect(throws: RefusalList([.invalid("email", "")])) {
            try world.management.addDomains(certificateID: certificate.id, domains: "c.example.com", email: "nope", by: world.user)
        }
        let adding = try world.management.addDomains(certificateID: certificate.id, domains: "c.example.com", email: "ops@example.com", by: world.user)
        #expect(adding.status == .supplementChecking)
        try world.prove(certificate.id)
        let added = try world.load(certificate.id)
        #expect(added.status == .issued)
        #expect(added.allDomains == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(added.notAfter == certificate.notAfter)
        #expect(added.serialNumber != certificate.serialNumber)
        #expect(throws: Refusal(.domainQuotaUsedUp, "")) {
            try world.management.addDomains(certificateID: certificate.id, domains: "d.example.com", email: "ops@example.com", by: world.user)
        }
    }

    @Test func withdrawnDomainAdditionKeepsTheOldDomainSet() throws {
        let world = try World()
        let certificate = try world.issued(.ov, domainType: .multiple, quota: 3, domain: "a.example.com", sans: "b.example.com")
        _ = try world.management.addDomains(certificateID: certificate.id, domains: "c.example.com", email: "ops@example.com", by: world.user)
        let restored = try world.management.withdrawDomainAddition(certificateID: certificate.id, by: world.user)
        #expect(restored.status == .issued)
        #expect(restored.allDomains == certificate.allDomains)
        #expect(restored.serialNumber == certificate.serialNumber)
    }

    @Test func renewalIsBoughtOnceInsideTheWindowAndInheritsOnIssue() throws {
        let world = try World()
        let certificate = try world.issued()
        let notAfter = try #require(certificate.notAfter)
        world.clock.set(notAfter - .days(30) - 1)
        let choice = ManagementService.RenewalChoice(of: certificate, agreed: true)
        #expect(throws: Refusal(.renewWindowNotOpen, "")) { try world.management.renew(certificateID: certificate.id, choice: choice, by: world.user) }
        world.clock.set(notAfter - .days(5))
        let renewal = try world.management.renew(certificateID: certificate.id, choice: choice, by: world.user)
        #expect(renewal.status == .paid)
        #expect(renewal.renewalOf == certificate.id)
        #expect(try world.load(certificate.id).renewedBy == renewal.id)
        #expect(throws: Refusal(.renewalAlreadyBought, "")) { try world.management.renew(certificateID: certificate.id, choice: choice, by: world.user) }
        _ = try LifecycleService(context: world.context).apply(certificateID: renewal.id, form: World.form("www.example.com"), by: world.user)
        try world.prove(renewal.id)
        let issued = try world.load(renewal.id)
        #expect(issued.notAfter == renewalNotAfter(originalNotAfter: notAfter, inherits: true, issuedAt: try #require(issued.issuedAt)))
    }

    @Test func remindersAreSentOnceEachAndExpiryFollows() throws {
        let world = try World()
        let certificate = try world.issued()
        let notAfter = try #require(certificate.notAfter)
        let expiry = ExpiryService(context: world.context)
        world.clock.set(notAfter - .days(60) - 1)
        #expect(try expiry.runOnce() == 0)
        world.clock.set(notAfter - .days(60))
        #expect(try expiry.runOnce() == 1)
        #expect(try expiry.runOnce() == 0)
        world.clock.set(notAfter - .days(3))  // the one-month and one-week reminders were missed
        #expect(try expiry.runOnce() == 1)
        world.clock.set(notAfter + 1)
        #expect(try expiry.runOnce() == 2)  // the expired notice and EXPIRED
        #expect(try world.load(certificate.id).status == .expired)
        let reminders = try world.context.database.read { try $0.messages(certificateID: certificate.id) }
            .filter { $0.kind.hasPrefix("CERT_EXPIR") }
        #expect(reminders.count == 3)
        #expect(try world.context.database.read { try $0.remindersSent(certificateID: certificate.id) }.count == 6)
    }

    /// More certificates due than one query reads: every one is reminded in the first pass
    /// (those reminded before drop out of the query), each once; a user's own ladder counts.
    @Test func remindersReachEveryCertificateBeyondOneBatch() throws {
        let world = try World()
        let now = world.clock.now
        let count = ExpiryService.reminderBatchSize * 2 + 200
        let owner = try MessageCenterTests.owner(world)
        let ownLadder = try ReminderSettings(
            ladder: "45", expiringTitle: "{name}", expiringBody: "{name}", expiredTitle: "{name}", expiredBody: "{name}")
        try world.context.database.write { store in
            try store.save(ownLadder, userID: owner.userID, at: now)
            for index in 0...count {
                var certificate = Certificate(
                    id: "scm-reminder-\(index)", name: "reminder-\(index)", brand: .digiCert, type: .dv, domainType: .single,
                    domainQuota: 1, status: .issued, createdAt: now - .days(300))
                certificate.domain = "r\(index).example.com"
                // The last one is the owner's, 50 days out: outside their 45-day ladder until later.
                certificate.notAfter = now + .days(index == count ? 50 : Double(1 + index % 59))
                try store.insert(certificate, ownerID: index == count ? owner.userID : nil)
            }
        }
        let expiry = ExpiryService(context: world.context)
        // One pass goes past the first batch (all of them, unless its time budget runs out on a
        // slow machine); the passes after it finish the rest, and then nothing is sent again.
        var sent = try expiry.sendReminders()
        #expect(sent > ExpiryService.reminderBatchSize)
        while case let more = try expiry.sendReminders(), more > 0 { sent += more }
        #expect(sent == count)
        let reminded = try world.context.database.read { try $0.messages(userID: nil, limit: count * 2) }
        #expect(Set(reminded.compactMap(\.certificateID)).count == count)
        world.clock.advance(by: .days(5))
        #expect(try expiry.sendReminders() > 0)  // the 45-day rung for the owner, and later rungs for others
        #expect(try world.context.database.read { try $0.messages(userID: owner.userID) }.count == 1)
    }

    @Test func remindersRespectTheNotificationSwitch() throws {
        let world = try World()
        var certificate = try world.issued()
        certificate.notifyExpiring = false
        try world.context.database.write { try $0.update(certificate, expectedStatus: .issued) }
        world.clock.set(try #require(certificate.notAfter) - .days(1))
        #expect(try ExpiryService(context: world.context).runOnce() == 0)
        #expect(try world.context.database.read { try $0.messages(certificateID: certificate.id) }.allSatisfy { !$0.kind.hasPrefix("CERT_EXPIR") })
    }

    @Test func autoRenewalBuysAndAppliesThirtyDaysBeforeExpiry() throws {
        let world = try World()
        let certificate = try world.issued()
        _ = try world.management.setAutoRenew(certificateID: certificate.id, enabled: true, by: world.user)
        world.clock.set(try #require(certificate.notAfter) - .days(30))
        try ExpiryService(context: world.context).runOnce()
        let original = try world.load(certificate.id)
        let renewal = try world.load(try #require(original.renewedBy))
        #expect(renewal.status == .checking)
        #expect(renewal.domain == certificate.domain)
        // The application with the same data asks for its domain proofs, then the notice follows.
        #expect(
            try world.context.database.read { try $0.messages(certificateID: renewal.id) }.map(\.kind)
                == ["DOMAIN_VERIFICATION", "AUTO_RENEWAL"])
    }

    @Test func privacyCancellationErasesTheApplication() throws {
        let world = try World()
        let certificate = try world.issued()
        let cancelled = try world.management.cancelPrivacy(certificateID: certificate.id, by: world.user)
        #expect(cancelled.privacyCancelled)
        #expect(try world.context.database.read { try $0.application(certificateID: certificate.id) } == nil)
        #expect(try world.context.database.read { try $0.mails() }.allSatisfy { $0.recipient != "alice@applicant.test" })
        #expect(throws: Refusal(.privacyAlreadyCancelled, "")) { try world.management.cancelPrivacy(certificateID: certificate.id, by: world.user) }
    }

    @Test func deleteRemovesForGoodAndRefusesFreeIssuedFromTheConsole() throws {
        let world = try World()
        let certificate = try world.issued()
        try world.management.delete(certificateID: certificate.id, by: world.user)
        #expect(throws: Refusal(.notFound, "")) { try world.load(certificate.id) }
        let free = try world.issued(.dvBasic)
        #expect(throws: Refusal(.consoleCannotDeleteIssuedFree, "")) { try world.management.delete(certificateID: free.id, by: world.user) }
        try world.management.delete(certificateID: free.id, channel: .api, by: world.user)
    }

    @Test func twoConcurrentRevocationsRevokeOnce() async throws {
        let world = try World()
        let certificate = try world.issued()
        let management = world.management
        let user = world.user
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 {
                group.addTask { (try? management.revoke(certificateID: certificate.id, reason: "", by: user)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        let events = try world.context.database.read { try $0.events(target: certificate.id) }
        #expect(events.filter { $0.action == "scm:cert:revoke" && $0.result == .success }.count == 1)
    }
}

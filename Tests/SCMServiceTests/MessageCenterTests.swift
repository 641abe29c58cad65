import Foundation
import SCMCloud
import SCMCore
import SCMStore
import Testing

@testable import SCMService

/// Issue 9's message center with a fixed clock: read state, webhooks retried with backoff by the
/// scheduler's pass (the POST replaced by a recorder), SMS reminders, each sent once.
@Suite struct MessageCenterTests {
    /// Records the POSTs and answers with the next status of `answers` (an error when 0).
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var answers: [Int]
        var bodies: [(URL, Data)] = []
        init(answers: [Int]) { self.answers = answers }

        func post(_ url: URL, _ body: Data) throws -> Int {
            lock.lock()
            defer { lock.unlock() }
            bodies.append((url, body))
            let status = answers.isEmpty ? 200 : answers.removeFirst()
            if status == 0 { throw URLError(.cannotConnectToHost) }
            return status
        }
    }

    /// A world whose certificates belong to a stored user, so that messages have an owner.
    static func owner(_ world: World) throws -> Principal {
        let user = try world.context.database.write {
            try $0.insert(User(name: "owner", passwordHash: "x", isAdmin: false, createdAt: world.clock.now))
        }
        return Principal(userID: user.id, name: user.name, isAdmin: false)
    }

    static func message(_ world: World, owner: Principal, kind: String = "CERT_EXPIRING") throws -> Int64 {
        try world.context.database.write {
            try $0.insert(
                Message(
                    userID: owner.userID, certificateID: nil, kind: kind, title: "t", body: "b",
                    createdAt: world.clock.now))
        }
    }

    @Test func openingMarksReadOnceAndMarkAllReadCounts() throws {
        let world = try World()
        let owner = try Self.owner(world)
        let center = MessageCenterService(context: world.context)
        let first = try Self.message(world, owner: owner)
        _ = try Self.message(world, owner: owner)
        #expect(
            try world.context.database.read {
                try $0.unreadMessageCount(in: Inbox(userID: owner.userID, isAdmin: false))
            } == 2)
        let opened = try center.open(id: first, by: owner)
        world.clock.advance(by: 60)
        #expect(try center.open(id: first, by: owner).readAt == opened.readAt)  // the first reading time stays
        #expect(
            try world.context.database.read {
                try $0.unreadMessageCount(in: Inbox(userID: owner.userID, isAdmin: false))
            } == 1)
        // Another user cannot open it; an administrator can, and it stays unread for its owner.
        let stranger = Principal(userID: owner.userID + 1, name: "x", isAdmin: false)
        #expect(throws: Refusal(.notFound, "")) { try center.open(id: first, by: stranger) }
        // An administrator's reading and "Mark all read" leave another user's messages unread
        // for them; they do mark the messages of nobody (a certificate without an owner).
        let second = try Self.message(world, owner: owner)
        let unowned = try world.context.database.write {
            try $0.insert(
                Message(
                    userID: nil, certificateID: nil, kind: "CERT_EXPIRING", title: "t", body: "b",
                    createdAt: world.clock.now))
        }
        let administrator = Principal(userID: owner.userID + 1, name: "root", isAdmin: true)
        #expect(try center.open(id: second, by: administrator).readAt == nil)
        #expect(
            try world.context.database.read {
                try $0.unreadMessageCount(in: Inbox(userID: owner.userID, isAdmin: false))
            } == 2)
        #expect(
            try world.context.database.read {
                try $0.unreadMessageCount(in: Inbox(userID: administrator.userID, isAdmin: true))
            } == 1)
        #expect(try center.markAllRead(by: administrator) == 1)
        #expect(try center.open(id: unowned, by: administrator).readAt != nil)
        _ = try center.open(id: second, by: owner)
        #expect(try center.markAllRead(by: owner) == 1)
        #expect(try center.markAllRead(by: owner) == 0)
    }

    @Test func webhookRefusesNonHTTPAddresses() throws {
        let world = try World()
        let owner = try Self.owner(world)
        let center = MessageCenterService(context: world.context)
        for bad in ["ftp://example.com/x", "example.com/hook", "http://"] {
            #expect(throws: Refusal(.invalidInput, "")) { try center.saveWebhooks(["CERT_EXPIRING": bad], by: owner) }
        }
        #expect(try center.webhooks(for: owner).isEmpty)
        #expect(throws: Refusal(.forbidden, "")) {
            try center.saveWebhooks(["CERT_EXPIRING": "https://x.test/"], by: world.user)
        }
    }

    @Test func deliveriesAreQueuedWithTheMessageAndRetriedWithBackoff() throws {
        let world = try World()
        let owner = try Self.owner(world)
        try MessageCenterService(context: world.context).saveWebhooks(
            ["CERT_EXPIRING": "https://hooks.example/scm", "AUTO_RENEWAL": ""], by: owner)
        let recorder = Recorder(answers: [500, 0, 204])
        let service = WebhookService(context: world.context, post: recorder.post)

        let id = try Self.message(world, owner: owner)
        _ = try Self.message(world, owner: owner, kind: "AUTO_RENEWAL")  // no webhook for this kind: nothing queued
        var log = try MessageCenterService(context: world.context).deliveries(for: owner, offset: 0, limit: 10).items
        #expect(log.count == 1 && log[0].messageID == id && log[0].state == .pending)
        let payload = try JSONSerialization.jsonObject(with: Data(log[0].payload.utf8)) as? [String: Any]
        #expect(payload?["event_type"] as? String == "CERT_EXPIRING" && payload?["message_id"] as? Int64 == id)

        #expect(try service.runOnce() == 0)  // HTTP 500
        log = try MessageCenterService(context: world.context).deliveries(for: owner, offset: 0, limit: 10).items
        #expect(log[0].attempts == 1 && log[0].lastResult == "HTTP 500" && log[0].state == .pending)
        #expect(log[0].nextAttemptAt == world.clock.now + 30)
        #expect(try service.runOnce() == 0 && recorder.bodies.count == 1)  // not due yet: no POST
        world.clock.advance(by: 30)
        #expect(try service.runOnce() == 0)  // connection refused
        log = try MessageCenterService(context: world.context).deliveries(for: owner, offset: 0, limit: 10).items
        #expect(log[0].attempts == 2 && log[0].nextAttemptAt == world.clock.now + 60)
        world.clock.advance(by: 60)
        #expect(try service.runOnce() == 1)
        log = try MessageCenterService(context: world.context).deliveries(for: owner, offset: 0, limit: 10).items
        #expect(log[0].state == .delivered && log[0].attempts == 3 && log[0].finishedAt == world.clock.now)
        world.clock.advance(by: 3600)
        #expect(try service.runOnce() == 0 && recorder.bodies.count == 3)  // delivered once, never again
        #expect(recorder.bodies.allSatisfy { $0.0.absoluteString == "https://hooks.example/scm" })
    }

    @Test func aDeliveryFailsForGoodAfterTheLastAttempt() throws {
        let world = try World()
        let owner = try Self.owner(world)
        try MessageCenterService(context: world.context).saveWebhooks(
            ["CERT_EXPIRING": "http://hooks.example/"], by: owner)
        let recorder = Recorder(answers: Array(repeating: 503, count: 10))
        let service = WebhookService(context: world.context, post: recorder.post)
        _ = try Self.message(world, owner: owner)
        for _ in 0..<10 {
            _ = try service.runOnce()
            world.clock.advance(by: 3600)
        }
        let log = try MessageCenterService(context: world.context).deliveries(for: owner, offset: 0, limit: 10).items
        #expect(log[0].state == .failed && log[0].attempts == WebhookService.maxAttempts)
        #expect(recorder.bodies.count == WebhookService.maxAttempts)
    }

    @Test func expiryRemindersGoByTextMessageOnce() throws {
        let world = try World()
        let certificate = try world.issued()
        let notAfter = try #require(certificate.notAfter)
        world.clock.set(notAfter - .days(20))
        _ = try ExpiryService(context: world.context).sendReminders()
        _ = try ExpiryService(context: world.context).sendReminders()
        let texts = try world.context.database.read { try $0.smsOutbox() }.filter { $0.certificateID == certificate.id }
        #expect(texts.count == 1)
        #expect(texts.first?.phone == "+8613800000000")
    }
}

/// Issue 9's CA messages: each outcome of the CA's review and of the operations after issuance
/// reaches the certificate's owner, whoever performed the operation, with the CA's mail beside it.
@Suite struct CAMessageTests {
    /// An administrator other than the tester: they buy, so the certificates are theirs.
    static func owner(_ world: World) throws -> Principal {
        let user = try world.context.database.write {
            try $0.insert(User(name: "buyer", passwordHash: "x", isAdmin: true, createdAt: world.clock.now))
        }
        return Principal(userID: user.id, name: user.name, isAdmin: true)
    }

    static func kinds(_ world: World, _ certificateID: String, owner: Principal) throws -> [String] {
        try world.context.database.read { try $0.messages(certificateID: certificateID) }
            .filter { $0.userID == owner.userID }.map(\.kind)
    }

    @Test func issuanceAndRevocationAreTold() throws {
        let world = try World()
        let owner = try Self.owner(world)
        let dv = try world.issued(by: owner)
        #expect(
            try Self.kinds(world, dv.id, owner: owner) == ["DOMAIN_VERIFICATION", "DOMAIN_VERIFIED", "CERT_ISSUED"])
        _ = try world.management.revoke(certificateID: dv.id, reason: "Key lost", by: world.user)
        #expect(try Self.kinds(world, dv.id, owner: owner).last == "CERT_REVOKED")

        let ov = try world.issued(.ov, by: owner)
        #expect(
            try Self.kinds(world, ov.id, owner: owner)
                == ["DOMAIN_VERIFICATION", "DOMAIN_VERIFIED", "ORG_VERIFICATION", "CERT_ISSUED"])
        _ = try world.management.revoke(certificateID: ov.id, reason: "", by: world.user)
        let asked = try #require(try world.context.database.read { try $0.messages(certificateID: ov.id) }.last)
        // The message says where the link went without quoting the applicant's address: privacy
        // cancellation erases contact data, and messages stay.
        #expect(asked.kind == "CONFIRMATION_REQUESTED" && asked.body.contains("applicant's e-mail address"))
        #expect(!asked.body.contains("alice@applicant.test"))
    }

    @Test func aFailedApprovalCarriesTheCAsReason() throws {
        let world = try World()
        let owner = try Self.owner(world)
        let bought = try world.buy(by: owner)
        _ = try LifecycleService(context: world.context).apply(
            certificateID: bought.id, form: World.form("www.example.com"), by: owner)
        world.clock.advance(by: CAReview.verificationDeadline + 60)
        try CAService(context: world.context).tick()
        let reason = try #require(try world.load(bought.id).failReason)
        let told = try #require(try world.context.database.read { try $0.messages(certificateID: bought.id) }.last)
        #expect(told.kind == "CERT_UNPASSED" && told.userID == owner.userID && told.body.hasSuffix(reason))
        // The webhook settings offer every kind of message the console writes.
        #expect(WebhookService.eventTypes.contains { $0.type == told.kind })
    }
}

import Foundation
import GRDB
import SCMCore
import Testing

@testable import SCMStore

/// The audit chain and the IAM tables through the real migrator.
struct IAMStoreTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256KnownAnswers(text: String, hex: String) {
        #expect(AuditHash.sha256Hex(text) == hex)
    }

    @Test func sha256AcrossBlockBoundaries() {
        // 1,000,000 × "a" (FIPS 180-2 appendix B.3).
        #expect(
            AuditHash.sha256Hex(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacKnownAnswer() {
        // RFC 4231 test case 2.
        #expect(
            AuditHash.hmacHex(key: Array("Jefe".utf8), "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    private func seeded(_ seal: AuditSeal = .ephemeral()) throws -> AppDatabase {
        let database = try AppDatabase.inMemory(auditSeal: seal)
        try database.write { store in
            for i in 0..<5 {
                try store.append(
                    Event(
                        at: Date(timeIntervalSince1970: 1_000 + Double(i) * 0.25), actor: "alice",
                        action: "scm:cert:get", target: "scs\(i)", detail: "d\u{1F}\(i)"))
            }
        }
        return database
    }

    @Test func chainIsIntactAfterAppends() throws {
        let database = try seeded()
        #expect(try database.verifyAuditChain() == .intact(entries: 5))
    }

    @Test func editedRowBreaksTheChainAtThatRow() throws {
        let database = try seeded()
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET actor = 'mallory' WHERE id = 3")
        }
        guard case .broken(let id, let reason) = try database.verifyAuditChain() else {
            Issue.record("edit not detected")
            return
        }
        #expect(id == 3)
        #expect(reason.contains("edited"))
    }

    @Test func removedRowBreaksTheChainAtTheNextRow() throws {
        let database = try seeded()
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_delete")
            try db.execute(sql: "DELETE FROM events WHERE id = 2")
        }
        #expect(
            try database.verifyAuditChain()
                == .broken(
                    eventID: 3,
                    reason: "its previous-hash does not match the event before it (a row was removed or inserted)"))
    }

    /// A seal with an anchor file in a fresh directory.
    private func anchoredSeal() throws -> AuditSeal {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return AuditSeal(key: Array(repeating: 7, count: 32), anchorPath: directory + "/audit.anchor")
    }

    /// What someone with the database alone can do: drop the trigger, edit a row, and recompute
    /// the plain hash chain from there on. Only the seal's key could make the MACs match.
    @Test func editedRowWithRecomputedChainBreaksAtTheSeal() throws {
        let database = try seeded(try anchoredSeal())
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET detail = 'nothing happened' WHERE id = 3")
            var previous = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE id = 2")!
            for row in try Row.fetchAll(db, sql: "SELECT * FROM events WHERE id >= 3 ORDER BY id") {
                let hash = AuditHash.link(
                    previous: previous, at: row["at"], actor: row["actor"], action: row["action"],
                    target: row["target"],
                    result: row["result"], detail: row["detail"], remoteAddress: row["remote_address"])
                try db.execute(
                    sql: "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?",
                    arguments: [previous, hash, row["id"] as Int64])
                previous = hash
            }
        }
        guard case .broken(let id, let reason) = try database.verifyAuditChain() else {
            Issue.record("a recomputed chain verified")
            return
        }
        #expect(id == 3)
        #expect(reason.contains("seal does not match"))
    }

    @Test func cuttingOffTheNewestRowsIsATruncation() throws {
        let database = try seeded(try anchoredSeal())
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_delete")
            try db.execute(sql: "DELETE FROM events WHERE id >= 4")
        }
        #expect(try database.verifyAuditChain() == .truncated(entries: 3, anchored: 5))
        // The next event is numbered after the anchor, so the gap stays visible inside the log.
        try database.write {
            try $0.append(Event(at: Date(timeIntervalSince1970: 2_000), actor: "bob", action: "login"))
        }
        guard case .broken(let id, let reason) = try database.verifyAuditChain() else {
            Issue.record("the gap was not found")
            return
        }
        #expect(id == 6 && reason.contains("2 entries were removed"))
    }

    @Test func rowsWhoseSealWasRemovedAreNotResealed() throws {
        let seal = try anchoredSeal()
        let database = try seeded(seal)
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET mac = NULL, seq = NULL")
        }
        // Opening again with the key seals only a log that was never sealed (no anchor yet).
        try database.writer.write { try StoreWriter(db: $0, auditSeal: seal).sealUnsealedLog() }
        #expect(
            try database.verifyAuditChain()
                == .broken(eventID: 1, reason: "it carries no seal (the row was inserted, or its seal removed)"))
    }

    @Test func appendOnlyTriggersStillHold() throws {
        let database = try seeded()
        #expect(throws: DatabaseError.self) {
            try database.writer.write { try $0.execute(sql: "UPDATE events SET actor = 'x' WHERE id = 1") }
        }
    }

    @Test func systemPoliciesAndStartingGroups() throws {
        let database = try AppDatabase.inMemory()
        let (operatorGrants, auditorGrants, admin) = try database.write { store -> ([GroupGrant], [GroupGrant], User) in
            let operators = try #require(try store.reader.group(named: "operators"))
            let auditors = try #require(try store.reader.group(named: "auditors"))
            let admin = try store.insert(User(name: "root", passwordHash: "x", isAdmin: true, createdAt: Date()))
            return (
                try store.reader.grants(ofGroup: operators.id), try store.reader.grants(ofGroup: auditors.id), admin
            )
        }
        #expect(operatorGrants.map(\.policyName) == [Policy.fullAccessName])
        #expect(auditorGrants.map(\.policyName) == [Policy.readOnlyName])
        #expect(try database.read { try $0.permissions(for: admin) } == .administrator)
        let policies = try database.read { try $0.policies() }
        #expect(Set(policies.filter(\.isSystem).map(\.name)) == Set(Policy.system.map(\.name)))
    }

    @Test func membershipAndProjectScopeReachThePermissionSet() throws {
        let database = try AppDatabase.inMemory()
        let user = try database.write { store -> User in
            let user = try store.insert(User(name: "bob", passwordHash: "x", isAdmin: false, createdAt: Date()))
            let group = try store.insertGroup(name: "web team", description: "", at: Date())
            let deny = try Policy(
                name: "no delete",
                json: #"{"Version":"1.1","Statement":[{"Action":["scm:cert:delete"],"Effect":"Deny"}]}"#)
            let policyID = try store.insertPolicy(name: "no delete", description: "", document: deny.json, at: Date())
            let full = try #require(try store.reader.policy(named: Policy.fullAccessName))
            try store.addMember(groupID: group, userID: user.id)
            try store.attach(policyID: full.id, groupID: group, project: "web")
            try store.attach(policyID: policyID, groupID: group, project: nil)
            return user
        }
        let permissions = try database.read { try $0.permissions(for: user) }
        #expect(permissions.allows(.certRevoke, project: "web"))
        #expect(!permissions.allows(.certRevoke, project: "default"))
        #expect(!permissions.allows(.certDelete, project: "web"))
    }

    @Test func tenFailuresLockTheKey() throws {
        let database = try AppDatabase.inMemory()
        let start = Date(timeIntervalSince1970: 10_000)
        let results = try database.write { store in
            try (0..<10).map { i in
                try store.noteLoginFailure(
                    key: "user:bob", now: start + Double(i), limit: 10, window: 900, lockout: 900)
            }
        }
        #expect(results.dropLast().allSatisfy { $0 == nil })
        #expect(results.last == start + 909)
        #expect(try database.read { try $0.loginLock(key: "user:bob", now: start + 908) } == start + 909)
        #expect(try database.read { try $0.loginLock(key: "user:bob", now: start + 909) } == nil)
    }
}

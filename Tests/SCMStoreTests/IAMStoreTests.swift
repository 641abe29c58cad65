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
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(text: String, hex: String) {
        #expect(AuditHash.sha256Hex(text) == hex)
    }

    @Test func sha256AcrossBlockBoundaries() {
        // 1,000,000 × "a" (FIPS 180-2 appendix B.3).
        #expect(AuditHash.sha256Hex(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    private func seeded() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.write { store in
            for i in 0..<5 {
                try store.append(Event(at: Date(timeIntervalSince1970: 1_000 + Double(i) * 0.25), actor: "alice", action: "scm:cert:get", target: "scs\(i)", detail: "d\u{1F}\(i)"))
            }
        }
        return database
    }

    @Test func chainIsIntactAfterAppends() throws {
        let database = try seeded()
        #expect(try database.read { try $0.verifyAuditChain() } == .intact(entries: 5))
    }

    @Test func editedRowBreaksTheChainAtThatRow() throws {
        let database = try seeded()
        try database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET actor = 'mallory' WHERE id = 3")
        }
        guard case .broken(let id, let reason) = try database.read({ try $0.verifyAuditChain() }) else {
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
        #expect(try database.read { try $0.verifyAuditChain() } == .broken(eventID: 3, reason: "its previous-hash does not match the event before it (a row was removed or inserted)"))
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
            return (try store.reader.grants(ofGroup: operators.id), try store.reader.grants(ofGroup: auditors.id), admin)
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
            let deny = try Policy(name: "no delete", json: #"{"Version":"1.1","Statement":[{"Action":["scm:cert:delete"],"Effect":"Deny"}]}"#)
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
                try store.noteLoginFailure(key: "user:bob", now: start + Double(i), limit: 10, window: 900, lockout: 900)
            }
        }
        #expect(results.dropLast().allSatisfy { $0 == nil })
        #expect(results.last == start + 909)
        #expect(try database.read { try $0.loginLock(key: "user:bob", now: start + 908) } == start + 909)
        #expect(try database.read { try $0.loginLock(key: "user:bob", now: start + 909) } == nil)
    }
}

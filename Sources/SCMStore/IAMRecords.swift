import Foundation
import GRDB
import SCMCore

/// A user group: its members receive the policies granted to it.
public struct UserGroup: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var createdAt: Date
}

/// A policy row: a system policy (read-only) or a custom JSON document.
public struct StoredPolicy: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var document: String
    public var isSystem: Bool
    public var updatedAt: Date
}

/// A policy granted to a group, for every enterprise project (`project` nil) or one.
public struct GroupGrant: Sendable, Equatable {
    public var groupID: Int64
    public var policyID: Int64
    public var policyName: String
    public var project: String?
}

/// The hash chain of the audit log, checked from the first event on.
public enum AuditVerification: Equatable, Sendable {
    case intact(entries: Int)
    /// The first event whose stored links do not match its fields, its predecessor or its seal.
    case broken(eventID: Int64, reason: String)
    /// Every row verifies, but the anchor outside the database knows of later events: the
    /// newest `anchored - entries` were cut off.
    case truncated(entries: Int, anchored: Int64)

    /// What a truncation means, for the audit page and `scm audit verify`.
    public static func truncationText(entries: Int, anchored: Int64) -> String {
        "The log ends at entry \(entries), but the anchor outside the database records entry \(anchored): the newest \(anchored - Int64(entries)) entries were removed."
    }
}

extension UserGroup {
    init(row: Row) {
        self.init(id: row["id"], name: row["name"], description: row["description"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}

extension StoredPolicy {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], description: row["description"], document: row["document"],
            isSystem: row["system"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}

extension StoreReader {
    /// The grants of every group the user belongs to; an administrator also holds SCM Administrator.
    /// A stored document that no longer parses grants nothing (it was checked when saved).
    public func permissions(for user: User) throws -> PermissionSet {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.name, p.document, gp.enterprise_project FROM group_members gm
                    JOIN group_policies gp ON gp.group_id = gm.group_id JOIN policies p ON p.id = gp.policy_id
                    WHERE gm.user_id = ? ORDER BY p.id
                    """), arguments: [user.id])
        return PermissionSet(grants: (user.isAdmin ? [.init(policy: .administrator)] : []) + Self.grants(rows))
    }

    /// What membership of the group grants.
    public func permissions(ofGroup groupID: Int64) throws -> PermissionSet {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.name, p.document, gp.enterprise_project FROM group_policies gp JOIN policies p ON p.id = gp.policy_id
                WHERE gp.group_id = ? ORDER BY p.id
                """, arguments: [groupID])
        return PermissionSet(grants: Self.grants(rows))
    }

    /// Grants from rows of policy name, document and enterprise project ('' for every project).
    private static func grants(_ rows: [Row]) -> [PermissionSet.Grant] {
        rows.compactMap { row in
            guard let policy = try? Policy(name: row["name"], json: row["document"]) else { return nil }
            let project: String = row["enterprise_project"]
            return .init(policy: policy, project: project.isEmpty ? nil : project)
        }
    }

    public func groups() throws -> [UserGroup] {
        try Row.fetchAll(db, sql: "SELECT * FROM user_groups ORDER BY name").map(UserGroup.init(row:))
    }

    public func group(id: Int64) throws -> UserGroup? {
        try Row.fetchOne(db, sql: "SELECT * FROM user_groups WHERE id = ?", arguments: [id]).map(UserGroup.init(row:))
    }

    public func group(named name: String) throws -> UserGroup? {
        try Row.fetchOne(db, sql: "SELECT * FROM user_groups WHERE name = ?", arguments: [name]).map(UserGroup.init(row:))
    }

    public func members(ofGroup groupID: Int64) throws -> [User] {
        try Row.fetchAll(
            db, sql: "SELECT u.* FROM users u JOIN group_members m ON m.user_id = u.id WHERE m.group_id = ? ORDER BY u.name",
            arguments: [groupID]
        ).map(User.init(row:))
    }

    /// Group names per user id, for the user list.
    public func groupNamesByUser() throws -> [Int64: [String]] {
        var names: [Int64: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT m.user_id, g.name FROM group_members m JOIN user_groups g ON g.id = m.group_id ORDER BY g.name")
        {
            names[row["user_id"], default: []].append(row["name"])
        }
        return names
    }

    public func policies() throws -> [StoredPolicy] {
        try Row.fetchAll(db, sql: "SELECT * FROM policies ORDER BY system DESC, name").map(StoredPolicy.init(row:))
    }

    public func policy(id: Int64) throws -> StoredPolicy? {
        try Row.fetchOne(db, sql: "SELECT * FROM policies WHERE id = ?", arguments: [id]).map(StoredPolicy.init(row:))
    }

    public func policy(named name: String) throws -> StoredPolicy? {
        try Row.fetchOne(db, sql: "SELECT * FROM policies WHERE name = ?", arguments: [name]).map(StoredPolicy.init(row:))
    }

    public func grants(ofGroup groupID: Int64) throws -> [GroupGrant] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT gp.group_id, gp.policy_id, gp.enterprise_project, p.name FROM group_policies gp
                JOIN policies p ON p.id = gp.policy_id WHERE gp.group_id = ? ORDER BY p.name, gp.enterprise_project
                """, arguments: [groupID]
        ).map { row in
            let project: String = row["enterprise_project"]
            return GroupGrant(
                groupID: row["group_id"], policyID: row["policy_id"], policyName: row["name"], project: project.isEmpty ? nil : project)
        }
    }

    /// The lock on a throttling key (`user:NAME`, `addr:IP`), if it is still running at `now`.
    public func loginLock(key: String, now: Date) throws -> Date? {
        guard let until = try Double.fetchOne(db, sql: "SELECT locked_until FROM login_failures WHERE key = ?", arguments: [key])
        else { return nil }
        let date = Date(timeIntervalSince1970: until)
        return date > now ? date : nil
    }

    /// Walks the audit log in id order and reports the first broken link: a row whose fields do
    /// not match its hash or whose previous-hash is not the row before's, and with `seal`, a row
    /// without a MAC, a MAC that does not match (the chain was recomputed without the key), a gap
    /// in the sequence numbers (rows removed), or a log that ends before the anchor.
    func verifyAuditChain(sealedBy seal: AuditSeal?) throws -> AuditVerification {
        let anchor = try seal?.anchor()
        var previous = ""
        var sequence: Int64 = 0
        var count = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY id")
        while let row = try cursor.next() {
            let id: Int64 = row["id"]
            let storedPrevious: String = row["prev_hash"], stored: String = row["hash"]
            guard storedPrevious == previous else {
                return .broken(eventID: id, reason: "its previous-hash does not match the event before it (a row was removed or inserted)")
            }
            let expected = AuditHash.link(
                previous: previous, at: row["at"], actor: row["actor"], action: row["action"], target: row["target"],
                result: row["result"], detail: row["detail"], remoteAddress: row["remote_address"])
            guard expected == stored else { return .broken(eventID: id, reason: "its fields do not match its hash (the row was edited)") }
            if let seal {
                guard let storedSequence: Int64 = row["seq"], let mac: String = row["mac"] else {
                    return .broken(eventID: id, reason: "it carries no seal (the row was inserted, or its seal removed)")
                }
                guard storedSequence == sequence + 1 else {
                    return .broken(
                        eventID: id,
                        reason: "it is entry \(storedSequence) but follows entry \(sequence) (\(storedSequence - sequence - 1) entries were removed before it)")
                }
                guard mac == seal.mac(sequence: storedSequence, hash: stored) else {
                    return .broken(eventID: id, reason: "its seal does not match (the row was edited and the chain recomputed without the audit key)")
                }
                if let anchor, anchor.sequence == storedSequence, anchor.mac != mac {
                    return .broken(eventID: id, reason: "it is not the entry \(storedSequence) the anchor outside the database records (the row was replaced)")
                }
                sequence = storedSequence
            }
            previous = stored
            count += 1
        }
        if let anchor, anchor.sequence > sequence {
            return .truncated(entries: count, anchored: anchor.sequence)
        }
        return .intact(entries: count)
    }
}

extension AppDatabase {
    /// The audit log checked with this database's seal (`StoreReader.verifyAuditChain(sealedBy:)`).
    public func verifyAuditChain() throws -> AuditVerification {
        try read { try $0.verifyAuditChain(sealedBy: auditSeal) }
    }
}

extension StoreWriter {
    @discardableResult
    public func insertGroup(name: String, description: String, at: Date) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO user_groups (name, description, created_at) VALUES (?, ?, ?)",
            arguments: [name, description, at.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    public func deleteGroup(id: Int64) throws {
        try db.execute(sql: "DELETE FROM user_groups WHERE id = ?", arguments: [id])
    }

    public func addMember(groupID: Int64, userID: Int64) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)", arguments: [groupID, userID])
    }

    public func removeMember(groupID: Int64, userID: Int64) throws {
        try db.execute(sql: "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", arguments: [groupID, userID])
    }

    @discardableResult
    public func insertPolicy(name: String, description: String, document: String, at: Date) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO policies (name, description, document, system, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
            arguments: [name, description, document, at.timeIntervalSince1970, at.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    /// Custom policies only: system policies are fixed. Returns whether a row changed.
    public func updatePolicy(id: Int64, description: String, document: String, at: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE policies SET description = ?, document = ?, updated_at = ? WHERE id = ? AND system = 0",
            arguments: [description, document, at.timeIntervalSince1970, id])
        return db.changesCount == 1
    }

    public func deletePolicy(id: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM policies WHERE id = ? AND system = 0", arguments: [id])
        return db.changesCount == 1
    }

    public func attach(policyID: Int64, groupID: Int64, project: String?) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO group_policies (group_id, policy_id, enterprise_project) VALUES (?, ?, ?)",
            arguments: [groupID, policyID, project ?? ""])
    }

    public func detach(policyID: Int64, groupID: Int64, project: String?) throws {
        try db.execute(
            sql: "DELETE FROM group_policies WHERE group_id = ? AND policy_id = ? AND enterprise_project = ?",
            arguments: [groupID, policyID, project ?? ""])
    }

    public func setDisabled(userID: Int64, _ disabled: Bool) throws {
        try db.execute(sql: "UPDATE users SET disabled = ? WHERE id = ?", arguments: [disabled, userID])
        if disabled { try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID]) }
    }

    /// Ends every session of a user (password reset or change).
    public func deleteSessions(userID: Int64) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
    }

    /// Counts a failed sign-in under `key`; at `limit` failures within `window` the key is locked
    /// until `now + lockout`. Returns the lock end when this failure locked it.
    @discardableResult
    public func noteLoginFailure(key: String, now: Date, limit: Int, window: TimeInterval, lockout: TimeInterval) throws -> Date? {
        let t = now.timeIntervalSince1970
        let row = try Row.fetchOne(db, sql: "SELECT failures, first_at, locked_until FROM login_failures WHERE key = ?", arguments: [key])
        var failures = 1, first = t
        if let row, t - (row["first_at"] as Double) <= window {
            failures = (row["failures"] as Int) + 1
            first = row["first_at"]
        }
        // Locking starts a fresh count, so the next failure after the lock ends does not relock at once.
        let locked: Double? = failures >= limit ? t + lockout : nil
        try db.execute(
            sql: "INSERT OR REPLACE INTO login_failures (key, failures, first_at, locked_until) VALUES (?, ?, ?, ?)",
            arguments: [key, locked == nil ? failures : 0, locked == nil ? first : t, locked])
        return locked.map(Date.init(timeIntervalSince1970:))
    }

    public func clearLoginFailures(key: String) throws {
        try db.execute(sql: "DELETE FROM login_failures WHERE key = ?", arguments: [key])
    }
}

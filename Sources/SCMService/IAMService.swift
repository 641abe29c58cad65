import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Users, groups and policies (RULES.md §9, issue 8). Each change is one transaction with its
/// audit event; who may call these is decided before, by the caller's `PermissionSet`.
public struct IAMService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    /// The policies a user holds now; evaluated with `PermissionSet.decision(for:)` only.
    public func permissions(for user: User) throws -> PermissionSet {
        try context.database.read { try $0.permissions(for: user) }
    }

    private func event(_ principal: Principal, _ action: Action, _ target: String, _ detail: String = "") -> Event {
        Event(
            at: context.clock.now, actor: principal.name, action: action.rawValue, target: target, detail: detail,
            remoteAddress: principal.remoteAddress)
    }

    private func loadUser(_ id: Int64, in store: StoreWriter) throws -> User {
        guard let user = try store.reader.user(id: id) else { throw Refusal(.notFound, "There is no user with ID \(id).") }
        return user
    }

    // MARK: Users

    /// Disabling ends the user's sessions at once; nobody can disable themselves (there would be
    /// no one left to undo it when they are the last administrator).
    public func setDisabled(userID: Int64, _ disabled: Bool, by principal: Principal) throws {
        guard !(disabled && userID == principal.userID) else {
            throw Refusal(.forbidden, "You cannot disable your own user.")
        }
        try context.database.write { store in
            let user = try loadUser(userID, in: store)
            try principal.permissions.authorizeHandingOut(try store.reader.permissions(for: user), to: user.name)
            try store.setDisabled(userID: userID, disabled)
            try store.append(event(principal, .userManage, user.name, disabled ? "disabled" : "enabled"))
        }
    }

    /// Sets a new generated password (returned once) and ends the user's sessions.
    public func resetPassword(userID: Int64, by principal: Principal) throws -> (User, String) {
        let secret = String(SecureRandom.token().prefix(16))
        let hash = try PasswordHasher.hash(secret)
        let user: User = try context.database.write { store in
            let user = try loadUser(userID, in: store)
            try principal.permissions.authorizeHandingOut(try store.reader.permissions(for: user), to: user.name)
            try store.setPassword(userID: userID, hash: hash)
            try store.deleteSessions(userID: userID)
            try store.append(event(principal, .userManage, user.name, "password reset"))
            return user
        }
        return (user, secret)
    }

    /// The signed-in user's own password: the current one proves it is them. Other sessions of
    /// the user end; the caller keeps its own by signing in again.
    public func changePassword(user: User, current: String, new: String, confirmation: String, by principal: Principal) throws {
        var refusals: [Refusal] = []
        if !PasswordHasher.verify(current, against: user.passwordHash) {
            refusals.append(.invalid("current_password", "The current password is wrong."))
        }
        if new.count < 8 {
            refusals.append(.invalid("new_password", "The new password needs at least 8 characters."))
        } else if new == current {
            refusals.append(.invalid("new_password", "The new password must differ from the current one."))
        }
        if new != confirmation { refusals.append(.invalid("confirm_password", "The two new passwords differ.")) }
        guard refusals.isEmpty else { throw RefusalList(refusals) }
        let hash = try PasswordHasher.hash(new)
        try context.database.write { store in
            try store.setPassword(userID: user.id, hash: hash)
            try store.deleteSessions(userID: user.id)
            try store.append(event(principal, Action(rawValue: "iam:user:password"), user.name, "password changed"))
        }
    }

    // MARK: Groups

    public func createGroup(name: String, description: String, by principal: Principal) throws -> Int64 {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.count) else { throw Refusal.invalid("name", "Group name: 1–64 characters.") }
        return try context.database.write { store in
            if try store.reader.group(named: trimmed) != nil {
                throw Refusal.invalid("name", "A group named \(trimmed) already exists.")
            }
            let id = try store.insertGroup(name: trimmed, description: description, at: context.clock.now)
            try store.append(event(principal, .groupManage, trimmed, "created"))
            return id
        }
    }

    public func deleteGroup(id: Int64, by principal: Principal) throws {
        try context.database.write { store in
            guard let group = try store.reader.group(id: id) else { throw Refusal(.notFound, "There is no group with ID \(id).") }
            try store.deleteGroup(id: id)
            try store.append(event(principal, .groupManage, group.name, "deleted"))
        }
    }

    public func addMember(groupID: Int64, userName: String, by principal: Principal) throws {
        try context.database.write { store in
            guard let group = try store.reader.group(id: groupID) else { throw Refusal(.notFound, "There is no group with ID \(groupID).") }
            guard let user = try store.reader.user(named: userName) else {
                throw Refusal.invalid("user", "There is no user named \(userName).")
            }
            try principal.permissions.authorizeHandingOut(try store.reader.permissions(ofGroup: groupID), to: user.name)
            try store.addMember(groupID: groupID, userID: user.id)
            try store.append(event(principal, .groupManage, group.name, "added \(user.name)"))
        }
    }

    public func removeMember(groupID: Int64, userID: Int64, by principal: Principal) throws {
        try context.database.write { store in
            guard let group = try store.reader.group(id: groupID) else { throw Refusal(.notFound, "There is no group with ID \(groupID).") }
            let user = try loadUser(userID, in: store)
            try store.removeMember(groupID: groupID, userID: userID)
            try store.append(event(principal, .groupManage, group.name, "removed \(user.name)"))
        }
    }

    // MARK: Policies

    /// Parses the document (`Policy(name:json:)`); a mistake is refused at the `document` field
    /// with the parser's sentence. The canonical JSON is stored.
    public func createPolicy(name: String, description: String, document: String, by principal: Principal) throws -> Int64 {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        var refusals: [Refusal] = []
        if !(1...64).contains(trimmed.count) { refusals.append(.invalid("name", "Policy name: 1–64 characters.")) }
        var policy: Policy?
        do { policy = try Policy(name: trimmed, json: document) } catch { refusals.append(.invalid("document", error.message)) }
        guard refusals.isEmpty, let policy else { throw RefusalList(refusals) }
        return try context.database.write { store in
            if try store.reader.policy(named: trimmed) != nil {
                throw Refusal.invalid("name", "A policy named \(trimmed) already exists.")
            }
            let id = try store.insertPolicy(name: trimmed, description: description, document: policy.json, at: context.clock.now)
            try store.append(event(principal, .policyManage, trimmed, "created"))
            return id
        }
    }

    public func updatePolicy(id: Int64, description: String, document: String, by principal: Principal) throws {
        let stored = try context.database.read { try $0.policy(id: id) }
        guard let stored else { throw Refusal(.notFound, "There is no policy with ID \(id).") }
        guard !stored.isSystem else { throw Refusal(.forbidden, "\(stored.name) is a system policy and cannot be changed.") }
        let policy: Policy
        do { policy = try Policy(name: stored.name, json: document) } catch { throw Refusal.invalid("document", error.message) }
        // The groups it is attached to get the new document, possibly for every project.
        try principal.permissions.authorizeHandingOut(PermissionSet(grants: [.init(policy: policy)]), to: "a group with \(stored.name)")
        try context.database.write { store in
            guard try store.updatePolicy(id: id, description: description, document: policy.json, at: context.clock.now) else {
                throw Refusal(.notFound, "There is no policy with ID \(id).")
            }
            try store.append(event(principal, .policyManage, stored.name, "updated"))
        }
    }

    public func deletePolicy(id: Int64, by principal: Principal) throws {
        try context.database.write { store in
            guard let stored = try store.reader.policy(id: id) else { throw Refusal(.notFound, "There is no policy with ID \(id).") }
            guard try store.deletePolicy(id: id) else {
                throw Refusal(.forbidden, "\(stored.name) is a system policy and cannot be deleted.")
            }
            try store.append(event(principal, .policyManage, stored.name, "deleted"))
        }
    }

    /// Grants a policy to a group, for every enterprise project or only `project`.
    public func attach(policyID: Int64, groupID: Int64, project: String?, by principal: Principal, attach: Bool = true) throws {
        let scope = project.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        try context.database.write { store in
            guard let group = try store.reader.group(id: groupID) else { throw Refusal(.notFound, "There is no group with ID \(groupID).") }
            guard let policy = try store.reader.policy(id: policyID) else {
                throw Refusal.invalid("policy", "There is no policy with ID \(policyID).")
            }
            if attach {
                let granted = try Policy(name: policy.name, json: policy.document)
                try principal.permissions.authorizeHandingOut(
                    PermissionSet(grants: [.init(policy: granted, project: scope)]), to: "group \(group.name)")
                try store.attach(policyID: policyID, groupID: groupID, project: scope)
            } else {
                try store.detach(policyID: policyID, groupID: groupID, project: scope)
            }
            let place = scope.map { " for project \($0)" } ?? ""
            try store.append(event(principal, .groupManage, group.name, "\(attach ? "attached" : "detached") \(policy.name)\(place)"))
        }
    }
}

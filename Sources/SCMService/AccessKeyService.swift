import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// API access keys (issue 7, sdk-auth.md): at most two per user, each enabled or disabled.
/// The secret key is shown once when created and kept sealed with the master key: the server
/// needs it in clear to recompute each signature, so hashing it (as a password) is not possible.
public struct AccessKeyService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    /// Two keys let a user rotate: create the new one, switch clients, delete the old one.
    public static let maximumKeysPerUser = 2

    /// A new key pair; `secret` is never stored in clear and cannot be shown again.
    public struct Created: Sendable {
        public let key: AccessKey
        public let secret: String
    }

    public func create(by principal: Principal) throws -> Created {
        guard principal.userID > 0 else { throw Refusal(.forbidden, "Only a console user can own access keys.") }
        let now = context.clock.now
        let secret = Self.randomText(alphabet: Self.secretAlphabet, count: 40)
        let key = AccessKey(
            accessKeyID: Self.randomText(alphabet: Self.accessKeyAlphabet, count: 20), userID: principal.userID,
            sealedSecret: try context.sealer.seal(Array(secret.utf8)), createdAt: now)
        try context.database.write { store in
            guard try store.reader.accessKeys(userID: principal.userID).count < Self.maximumKeysPerUser else {
                throw Refusal(
                    .conflict,
                    "A user can have at most \(Self.maximumKeysPerUser) access keys. Delete one you no longer use, then create a new one.")
            }
            try store.insert(key)
            try store.append(
                Event(at: now, actor: principal.name, action: "iam:access-key:create", target: key.accessKeyID,
                      remoteAddress: principal.remoteAddress))
        }
        return Created(key: key, secret: secret)
    }

    public func list(by principal: Principal) throws -> [AccessKey] {
        try context.database.read { try $0.accessKeys(userID: principal.userID) }
    }

    /// A disabled key fails every signature check until it is enabled again.
    public func setEnabled(_ accessKeyID: String, enabled: Bool, by principal: Principal) throws {
        try context.database.write { store in
            guard try store.setAccessKey(accessKeyID, userID: principal.userID, enabled: enabled) else {
                throw Refusal(.notFound, "You have no access key \(accessKeyID).")
            }
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "iam:access-key:\(enabled ? "enable" : "disable")",
                      target: accessKeyID, remoteAddress: principal.remoteAddress))
        }
    }

    public func delete(_ accessKeyID: String, by principal: Principal) throws {
        try context.database.write { store in
            guard try store.deleteAccessKey(accessKeyID, userID: principal.userID) else {
                throw Refusal(.notFound, "You have no access key \(accessKeyID).")
            }
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: "iam:access-key:delete", target: accessKeyID,
                      remoteAddress: principal.remoteAddress))
        }
    }

    /// The signing secret and its user for an enabled key of an enabled user, else nil: the
    /// signature check treats unknown, disabled and orphaned keys alike.
    public func credentials(for accessKeyID: String) throws -> (user: User, secret: String)? {
        guard accessKeyID.count <= 64 else { return nil }
        let found: (AccessKey, User)? = try context.database.read { store in
            guard let key = try store.accessKey(accessKeyID), key.enabled, let user = try store.user(id: key.userID), !user.disabled
            else { return nil }
            return (key, user)
        }
        guard let (key, user) = found else { return nil }
        let secret = String(decoding: try context.sealer.open(key.sealedSecret), as: UTF8.self)
        return (user, secret)
    }

    /// Records when a key was last used, at most once a minute (a write per request would cost
    /// more than most requests).
    public func noteUse(_ accessKeyID: String) throws {
        let now = context.clock.now
        let key = try context.database.read { try $0.accessKey(accessKeyID) }
        guard let key, key.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true else { return }
        try context.database.write { try $0.touchAccessKey(accessKeyID, at: now) }
    }

    static let accessKeyAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// Uniform characters from the CSPRNG: bytes at or above the largest multiple of the
    /// alphabet size are dropped so no character is more likely than another.
    static func randomText(alphabet: [Character], count: Int) -> String {
        let limit = 256 - 256 % alphabet.count
        var result = ""
        while result.count < count {
            for byte in SecureRandom.bytes(count * 2) where Int(byte) < limit && result.count < count {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }
}

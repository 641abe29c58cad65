import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Sign-in, sessions and users. A session is a random token in an HttpOnly cookie; only its
/// SHA-256 is stored, so a copy of the database cannot be replayed as a login.
public struct AuthService: Sendable {
    public let context: ServiceContext
    /// A session ends after this much inactivity, and in any case after `absoluteLifetime`.
    public var idleTimeout: TimeInterval = 2 * 3600
    public var absoluteLifetime: TimeInterval = 12 * 3600

    public init(context: ServiceContext) { self.context = context }

    public struct SignedIn: Sendable {
        public let token: String
        public let session: Session
    }

    public static let badCredentials = "Incorrect user name or password."
    /// Shown for a locked user name or address alike, so it does not tell whether the user exists.
    public static let lockedOut = "Too many failed sign-ins. Try again in 15 minutes."
    /// Ten wrong passwords within the window lock the user name, and the address, for 15 minutes.
    public static let failureLimit = 10
    public static let failureWindow: TimeInterval = 15 * 60
    public static let lockout: TimeInterval = 15 * 60

    /// The same message for an unknown user and a wrong password, and the same work (one scrypt),
    /// so neither the text nor the timing tells whether the user exists.
    public func login(name: String, password: String, remoteAddress: String) throws -> SignedIn {
        let now = context.clock.now
        let throttleKeys = ["user:" + name.lowercased(), "addr:" + remoteAddress]
        let locked = try context.database.read { store in try throttleKeys.contains { try store.loginLock(key: $0, now: now) != nil } }
        guard !locked else {
            try record(Event(at: now, actor: name, action: "login", result: .refused, detail: "locked", remoteAddress: remoteAddress))
            throw Refusal(.forbidden, Self.lockedOut)
        }
        let user = try context.database.read { try $0.user(named: name) }
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = PasswordHasher.verify(password, against: hash)
        guard let user, matches, !user.disabled else {
            try context.database.write { store in
                for key in throttleKeys {
                    try store.noteLoginFailure(key: key, now: now, limit: Self.failureLimit, window: Self.failureWindow, lockout: Self.lockout)
                }
                try store.append(Event(at: now, actor: name, action: "login", result: .refused, detail: "bad credentials", remoteAddress: remoteAddress))
            }
            throw Refusal(.forbidden, Self.badCredentials)
        }
        let token = SecureRandom.token()
        let csrf = SecureRandom.token()
        let tokenHash = Self.hash(token)
        try context.database.write { store in
            try store.insertSession(tokenHash: tokenHash, userID: user.id, csrfToken: csrf, at: now, remoteAddress: remoteAddress)
            try store.clearLoginFailures(key: throttleKeys[0])
            try store.append(Event(at: now, actor: user.name, action: "login", remoteAddress: remoteAddress))
        }
        let session = Session(tokenHash: tokenHash, user: user, csrfToken: csrf, createdAt: now, lastSeenAt: now)
        return SignedIn(token: token, session: session)
    }

    /// The live session for a cookie token, or nil when it is unknown, idle too long or too old.
    public func session(token: String) throws -> Session? {
        guard !token.isEmpty, token.count < 100 else { return nil }
        let now = context.clock.now
        let tokenHash = Self.hash(token)
        guard let session = try context.database.read({ try $0.session(tokenHash: tokenHash) }) else { return nil }
        if session.user.disabled || now.timeIntervalSince(session.lastSeenAt) > idleTimeout
            || now.timeIntervalSince(session.createdAt) > absoluteLifetime
        {
            try context.database.write { try $0.deleteSession(tokenHash: tokenHash) }
            return nil
        }
        // Refresh the idle timer at most once a minute: a write per page view would cost more than the page.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            try context.database.write { try $0.touchSession(tokenHash: tokenHash, at: now) }
        }
        return session
    }

    public func logout(session: Session, remoteAddress: String) throws {
        try context.database.write { store in
            try store.deleteSession(tokenHash: session.tokenHash)
            try store.append(Event(at: context.clock.now, actor: session.user.name, action: "logout", remoteAddress: remoteAddress))
        }
    }

    /// Creates a user; a nil password generates one, returned so the caller can show it once.
    /// A non-admin user joins `group` (by default "operators", SCM FullAccess): without a group
    /// a user may do nothing at all (RULES.md §9).
    public func createUser(
        name: String, password: String?, isAdmin: Bool, group: String? = "operators", by principal: Principal = .system
    ) throws -> (User, String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (3...32).contains(trimmed.count), trimmed.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) })
        else {
            throw Refusal.invalid("name", "User name: 3–32 letters, digits, '.', '_' or '-'.")
        }
        if isAdmin { try principal.permissions.authorizeCreatingAdministrator() }
        let secret = password ?? SecureRandom.token().prefix(16).description
        guard secret.count >= 8 else { throw Refusal.invalid("password", "Password: at least 8 characters.") }
        let now = context.clock.now
        let user = User(name: trimmed, passwordHash: try PasswordHasher.hash(secret), isAdmin: isAdmin, createdAt: now)
        let saved: User = try context.database.write { store in
            if try store.reader.user(named: trimmed) != nil {
                throw Refusal(.conflict, "A user named \(trimmed) already exists.")
            }
            let saved = try store.insert(user)
            if !isAdmin, let group {
                guard let found = try store.reader.group(named: group) else {
                    throw Refusal.invalid("group", "There is no user group named \(group).")
                }
                try principal.permissions.authorizeHandingOut(try store.reader.permissions(ofGroup: found.id), to: trimmed)
                try store.addMember(groupID: found.id, userID: saved.id)
            }
            try store.append(
                Event(at: now, actor: principal.name, action: "user:create", target: trimmed, remoteAddress: principal.remoteAddress))
            return saved
        }
        return (saved, secret)
    }

    public static func hash(_ token: String) -> String { Digest.sha256Hex(Array(token.utf8)) }

    /// Verified against when the user does not exist, so that case costs one scrypt as well.
    private static let decoyHash: String = (try? PasswordHasher.hash(SecureRandom.token())) ?? ""

    private func record(_ event: Event) throws {
        try context.database.write { try $0.append(event) }
    }
}

import Foundation
import GRDB
import SCMCore

extension User {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], passwordHash: row["password_hash"], isAdmin: row["is_admin"],
            disabled: row["disabled"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}

/// A signed-in browser session. Only the hash of its token is stored.
public struct Session: Sendable, Equatable {
    public var tokenHash: String
    public var user: User
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(tokenHash: String, user: User, csrfToken: String, createdAt: Date, lastSeenAt: Date) {
        self.tokenHash = tokenHash
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}

extension StoreReader {
    public func user(named name: String) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(User.init(row:))
    }

    public func user(id: Int64) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(User.init(row:))
    }

    public func users() throws -> [User] {
        try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(User.init(row:))
    }

    public func session(tokenHash: String) throws -> Session? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.token_hash, s.csrf_token, s.created_at AS s_created, s.last_seen_at, u.*
                        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?
                        """), arguments: [tokenHash])
        else { return nil }
        return Session(
            tokenHash: row["token_hash"], user: User(row: row), csrfToken: row["csrf_token"],
            createdAt: Date(timeIntervalSince1970: row["s_created"]),
            lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]))
    }
}

extension StoreWriter {
    @discardableResult
    public func insert(_ user: User) throws -> User {
        try db.execute(
            sql: "INSERT INTO users (name, password_hash, is_admin, disabled, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [user.name, user.passwordHash, user.isAdmin, user.disabled, user.createdAt.timeIntervalSince1970])
        var saved = user
        saved.id = db.lastInsertedRowID
        return saved
    }

    public func setPassword(userID: Int64, hash: String) throws {
        try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
    }

    public func insertSession(
        tokenHash: String, userID: Int64, csrfToken: String, at: Date, remoteAddress: String
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, remote_address)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [tokenHash, userID, csrfToken, at.timeIntervalSince1970, at.timeIntervalSince1970, remoteAddress])
    }

    public func touchSession(tokenHash: String, at: Date) throws {
        try db.execute(
            sql: "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
            arguments: [at.timeIntervalSince1970, tokenHash])
    }

    public func deleteSession(tokenHash: String) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash])
    }
}

import Foundation
import GRDB
import SCMCore

/// One API access key: the AK is public, the SK sealed (`KeySealer`) so a copy of the database
/// cannot sign requests.
public struct AccessKey: Sendable, Equatable {
    public var accessKeyID: String
    public var userID: Int64
    public var sealedSecret: [UInt8]
    public var enabled: Bool
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(accessKeyID: String, userID: Int64, sealedSecret: [UInt8], enabled: Bool = true, createdAt: Date, lastUsedAt: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.userID = userID
        self.sealedSecret = sealedSecret
        self.enabled = enabled
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    init(row: Row) {
        self.init(
            accessKeyID: row["ak"], userID: row["user_id"], sealedSecret: [UInt8](row["sealed_sk"] as Data),
            enabled: row["enabled"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            lastUsedAt: (row["last_used_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }
}

extension StoreReader {
    public func accessKey(_ accessKeyID: String) throws -> AccessKey? {
        try Row.fetchOne(db, sql: "SELECT * FROM access_keys WHERE ak = ?", arguments: [accessKeyID]).map(AccessKey.init(row:))
    }

    public func accessKeys(userID: Int64) throws -> [AccessKey] {
        try Row.fetchAll(db, sql: "SELECT * FROM access_keys WHERE user_id = ? ORDER BY created_at", arguments: [userID])
            .map(AccessKey.init(row:))
    }
}

extension StoreWriter {
    public func insert(_ key: AccessKey) throws {
        try db.execute(
            sql: "INSERT INTO access_keys (ak, user_id, sealed_sk, enabled, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                key.accessKeyID, key.userID, Data(key.sealedSecret), key.enabled, key.createdAt.timeIntervalSince1970,
                key.lastUsedAt?.timeIntervalSince1970,
            ])
    }

    /// False when the key does not exist or belongs to someone else.
    public func setAccessKey(_ accessKeyID: String, userID: Int64, enabled: Bool) throws -> Bool {
        try db.execute(
            sql: "UPDATE access_keys SET enabled = ? WHERE ak = ? AND user_id = ?", arguments: [enabled, accessKeyID, userID])
        return db.changesCount > 0
    }

    public func deleteAccessKey(_ accessKeyID: String, userID: Int64) throws -> Bool {
        try db.execute(sql: "DELETE FROM access_keys WHERE ak = ? AND user_id = ?", arguments: [accessKeyID, userID])
        return db.changesCount > 0
    }

    public func touchAccessKey(_ accessKeyID: String, at: Date) throws {
        try db.execute(
            sql: "UPDATE access_keys SET last_used_at = ? WHERE ak = ?", arguments: [at.timeIntervalSince1970, accessKeyID])
    }
}

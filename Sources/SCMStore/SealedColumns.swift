import Foundation
import GRDB

/// Every column that holds data sealed under the master key (RULES.md §7): `scm keys rotate`
/// re-seals exactly these. A migration that adds a sealed column adds it here, or rotation
/// would leave it under a key that no longer exists (a test in `KeyRotationTests` checks the
/// schema).
public enum SealedColumns {
    public static let all: [(table: String, column: String)] = [
        ("certificate_materials", "sealed_private_key"),
        ("csrs", "sealed_private_key"),
        ("ca_authorities", "root_sealed_key"),
        ("ca_authorities", "intermediate_sealed_key"),
        ("access_keys", "sealed_sk"),
        ("cloud_resources", "held_sealed_private_key"),
        ("cloud_certificate_store", "sealed_private_key"),
    ]
}

extension StoreWriter {
    /// Replaces every sealed value by `reseal(value)`, inside the caller's one transaction, so
    /// either every key moves to the new master key or none does. Returns how many were re-sealed.
    public func resealAll(_ reseal: ([UInt8]) throws -> [UInt8]) throws -> Int {
        var count = 0
        for (table, column) in SealedColumns.all {
            // Named explicitly: in a table with an INTEGER PRIMARY KEY, `rowid` comes back under that column's name.
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid AS sealed_rowid, \(column) FROM \(table) WHERE \(column) IS NOT NULL")
            for row in rows {
                let sealed: Data = row[column]
                let resealed = try reseal([UInt8](sealed))
                try db.execute(
                    sql: "UPDATE \(table) SET \(column) = ? WHERE rowid = ?",
                    arguments: [Data(resealed), row["sealed_rowid"] as Int64])
                count += 1
            }
        }
        return count
    }
}

extension StoreReader {
    /// One sealed value, nil when the database holds none: every value is sealed under the same
    /// key (a rotation re-seals all of them in one transaction), so this one tells which key that is.
    public func anySealedValue() throws -> [UInt8]? {
        for (table, column) in SealedColumns.all {
            if let sealed = try Data.fetchOne(
                db, sql: "SELECT \(column) FROM \(table) WHERE \(column) IS NOT NULL LIMIT 1")
            {
                return [UInt8](sealed)
            }
        }
        return nil
    }

    /// Every BLOB column whose name says it is sealed, from the live schema: what `SealedColumns.all` must list.
    public func sealedBlobColumns() throws -> Set<String> {
        var found: Set<String> = []
        for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
            for column in try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")") {
                let name: String = column["name"]
                let type: String = column["type"]
                if type.uppercased() == "BLOB" && name.contains("sealed") { found.insert("\(table).\(name)") }
            }
        }
        return found
    }
}

import Foundation
import GRDB
import SCMCore

/// The one door to the SQLite file: migrates in its initializer, and hands out transactions.
///
/// Every read is a snapshot (`read`), every write one transaction (`write`) that commits or
/// rolls back whole, so an operation never leaves a certificate between two states.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// A WAL database pool on `path`, with the pragmas every connection needs.
    public static func open(path: String, maximumReaderCount: Int = 8) throws -> AppDatabase {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.maximumReaderCount = maximumReaderCount
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Erased rows are overwritten, not just unlinked: privacy cancellation (RULES.md §3)
            // must remove applicant data from the file itself.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return try AppDatabase(DatabasePool(path: path, configuration: configuration))
    }

    /// An in-memory database for tests, through the real migrator.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }

    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try writer.read { db in try body(StoreReader(db: db)) }
    }

    public func write<T>(_ body: (StoreWriter) throws -> T) throws -> T {
        try writer.write { db in try body(StoreWriter(db: db)) }
    }

    /// Moves the WAL's pages into the main file and truncates it (privacy erasure, backups).
    public func checkpoint() throws {
        try writer.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }
}

/// Queries available inside any transaction. The one place where SQL lives, with `StoreWriter`.
public struct StoreReader {
    let db: Database
}

/// Writes available inside a write transaction, plus every query of `StoreReader`.
public struct StoreWriter {
    let db: Database
    public var reader: StoreReader { StoreReader(db: db) }
}

/// A compare-and-set found the row in another state: someone else's operation won.
public struct StaleState: Error, Sendable {
    public let id: String
    public let expected: String
}

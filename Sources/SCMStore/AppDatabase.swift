import Foundation
import GRDB
import SCMCore

/// The one door to the SQLite file: migrates in its initializer, and hands out transactions.
///
/// Every read is a snapshot (`read`), every write one transaction (`write`) that commits or
/// rolls back whole, so an operation never leaves a certificate between two states.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// For a database file: the read-only connection of each thread that reads (see `open`).
    private let threadReaders: ThreadReaders?
    /// The key and anchor every audit event is sealed with (`StoreWriter.append`).
    let auditSeal: AuditSeal

    public init(_ writer: any DatabaseWriter, auditSeal: AuditSeal = .ephemeral()) throws {
        try self.init(writer, threadReaders: nil, auditSeal: auditSeal)
    }

    private init(_ writer: any DatabaseWriter, threadReaders: ThreadReaders?, auditSeal: AuditSeal) throws {
        self.writer = writer
        self.threadReaders = threadReaders
        self.auditSeal = auditSeal
        try Self.migrator.migrate(writer)
        try writer.write { try StoreWriter(db: $0, auditSeal: auditSeal).sealUnsealedLog() }
    }

    /// A WAL database pool on `path`, with the pragmas every connection needs, writing through
    /// the pool's writer and reading through a read-only connection per thread.
    ///
    /// The pool's readers are handed out under two GCD barriers per read; with eight request
    /// threads and five reads a page, threads spent more time waking each other there than
    /// reading (perf on the list page: 15% in `_dispatch_sync_f_slow`). A connection of its own
    /// per thread, as each PHP-FPM worker has, needs no hand-out: the list page went from 880
    /// to 1,200 req/s with the same eight threads, p99 from 51 to 36 ms.
    public static func open(path: String, auditSeal: AuditSeal) throws -> AppDatabase {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Erased rows are overwritten, not just unlinked: privacy cancellation (RULES.md §3)
            // must remove applicant data from the file itself.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var readerConfiguration = Configuration()
        readerConfiguration.readonly = true
        readerConfiguration.busyMode = .timeout(10)
        return try AppDatabase(
            pool, threadReaders: ThreadReaders(path: path, configuration: readerConfiguration), auditSeal: auditSeal)
    }

    /// An in-memory database for tests, through the real migrator.
    public static func inMemory(auditSeal: AuditSeal = .ephemeral()) throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(), auditSeal: auditSeal)
    }

    /// A snapshot read: on a file, in the calling thread's own connection; like every GRDB
    /// access it may not be nested in another read or write.
    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        if let threadReaders {
            return try threadReaders.connection().read { db in try body(StoreReader(db: db)) }
        }
        return try writer.read { db in try body(StoreReader(db: db)) }
    }

    public func write<T>(_ body: (StoreWriter) throws -> T) throws -> T {
        try writer.write { db in try body(StoreWriter(db: db, auditSeal: auditSeal)) }
    }

    /// Moves the WAL's pages into the main file and truncates it (privacy erasure, backups).
    public func checkpoint() throws {
        try writer.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }
}

/// One read-only connection per thread, opened at the thread's first read. The connections
/// live as long as this object (which holds them; a thread keeps only a pointer), so they close
/// with the database rather than in a thread-exit destructor. Threads are few and long-lived
/// (the request threads, the scheduler).
final class ThreadReaders: @unchecked Sendable {
    private let path: String
    private let configuration: Configuration
    private var key = pthread_key_t()
    private let lock = NSLock()
    private var connections: [DatabaseQueue] = []

    init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
        pthread_key_create(&key, nil)
    }

    deinit { pthread_key_delete(key) }

    /// The calling thread's connection.
    func connection() throws -> DatabaseQueue {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<DatabaseQueue>.fromOpaque(existing).takeUnretainedValue()
        }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        lock.withLock { connections.append(connection) }
        pthread_setspecific(key, Unmanaged.passUnretained(connection).toOpaque())
        return connection
    }
}

/// Queries available inside any transaction. The one place where SQL lives, with `StoreWriter`.
public struct StoreReader {
    let db: Database
}

/// Writes available inside a write transaction, plus every query of `StoreReader`.
public struct StoreWriter {
    let db: Database
    let auditSeal: AuditSeal
    public var reader: StoreReader { StoreReader(db: db) }
}

/// A compare-and-set found the row in another state: someone else's operation won.
public struct StaleState: Error, Sendable {
    public let id: String
    public let expected: String
}

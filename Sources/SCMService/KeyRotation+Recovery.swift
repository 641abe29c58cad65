import Foundation
import SCMPKI
import SCMStore

#if canImport(Glibc)
    import Glibc
#endif

extension KeyRotation {
    /// The key files of a data directory's `keys/`, as `scm keys rotate` uses them: it writes
    /// `master.key.new`, keeps the current key as `master.key.old`, renames the new one into
    /// place, re-seals in one transaction, then removes `master.key.old`.
    public struct KeyFiles: Sendable {
        public let current: String
        public var previous: String { current + ".old" }
        public var fresh: String { current + ".new" }
        public var directory: String { URL(fileURLWithPath: current).deletingLastPathComponent().path }

        public init(keysDirectory: String) { current = keysDirectory + "/master.key" }

        /// `master.key.new` or `master.key.old` left behind: a rotation stopped half-way.
        public var leftovers: [String] { [fresh, previous].filter { FileManager.default.fileExists(atPath: $0) } }
    }

    /// A rotation was interrupted and the key files cannot tell which key the database needs.
    public struct InterruptedRotation: Error, CustomStringConvertible {
        public let description: String
    }

    /// Finishes or rolls back a rotation that stopped half-way, before anything opens a sealed
    /// value; returns what it did, nil when nothing was left over. Which key is right is not
    /// guessed from the files but tried: every sealed value is under one key (one transaction),
    /// so the key that opens one of them is the database's. That key ends up as `master.key`
    /// and the leftovers go. When neither `master.key` nor `master.key.old` opens it, nothing is
    /// touched and `InterruptedRotation` says what to do.
    public static func recoverInterruptedRotation(_ files: KeyFiles, database: AppDatabase) throws -> String? {
        let leftovers = files.leftovers
        guard !leftovers.isEmpty else { return nil }
        let left = leftovers.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " and ")
        let probe = try database.read { try $0.anySealedValue() }
        let candidates = [files.current, files.previous].filter { FileManager.default.fileExists(atPath: $0) }
        let opening = candidates.first { path in
            guard let probe else { return true }  // nothing sealed: any key serves
            guard let key = try? KeySealer.loadMasterKey(at: path) else { return false }
            return (try? KeySealer(masterKey: key).open(probe)) != nil
        }
        guard let opening else {
            throw InterruptedRotation(
                description: """
                    An interrupted key rotation left \(left) in \(files.directory), and neither master.key nor \
                    master.key.old opens the sealed keys in the database. Nothing was changed. Put the master key the \
                    database was sealed with back as \(files.current) (from a backup of the keys directory), remove \
                    \(left), and start again.
                    """)
        }
        let outcome: String
        if opening == files.previous {
            // The re-sealing transaction never committed: the old key is the database's.
            guard rename(files.previous, files.current) == 0 else {
                throw InterruptedRotation(
                    description: "Cannot put \(files.previous) back as \(files.current): \(String(cString: strerror(errno))).")
            }
            outcome = "rolled back: the database is still sealed under the old master key, which is back in place"
        } else {
            outcome = "finished: the database opens with the current master key"
        }
        for path in files.leftovers { unlink(path) }
        syncDirectory(files.directory)
        return "An interrupted key rotation (\(left) left behind) was \(outcome)."
    }

    /// The keys directory cannot be locked (see `withKeysLock`).
    public struct KeysDirectoryUnavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `body` holding an exclusive lock on the keys directory (`flock` on `keys/.lock`,
    /// released when the descriptor closes, also when the process dies). A rotation and the
    /// recovery every command starts with must not interleave: a command starting while
    /// `scm keys rotate` is between its rename and its commit would otherwise see the leftover
    /// files, find that the old key still opens the database, and roll back a rotation that is
    /// about to commit under the key it deletes.
    public static func withKeysLock<T>(_ files: KeyFiles, _ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(
            atPath: files.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(files.directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            throw KeysDirectoryUnavailable(description: "cannot lock \(files.directory): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        return try body()
    }

    /// Makes renames and removals in `path` durable before anything relies on them.
    public static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }
}

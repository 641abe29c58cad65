import ArgumentParser
import Foundation
import SCMPKI
import SCMService
import SCMStore

#if canImport(Glibc)
    import Glibc
#endif

/// `scm keys rotate`: a new master key for every sealed private key and secret (issue 8).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the master key.", subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every sealed key under a new master key (stop scm serve first).",
            discussion: """
                keys/master.key.new is written and synced, the current key is kept as master.key.old and \
                the new one renamed into place; then every sealed value is re-sealed in one transaction. \
                When the transaction fails, master.key.old goes back into place; when it commits, \
                master.key.old is removed. If the process dies in between, the next scm command (serve, \
                keys rotate, …) finishes or rolls back by trying which key opens the database, or stops and says \
                what to do.
                """)
        @OptionGroup var data: DataOptions

        func run() throws {
            // Opened (and migrated) before any key file changes.
            let database = try data.openDatabase()
            // The whole rotation holds the keys lock: no other command settles "leftovers" meanwhile.
            try KeyRotation.withKeysLock(data.keyFiles) { try rotate(database) }
        }

        private func rotate(_ database: AppDatabase) throws {
            let files = data.keyFiles
            let keys = files.directory, current = files.current, fresh = files.fresh, previous = files.previous
            // An earlier rotation that stopped half-way is settled first (or the command stops).
            try data.recoverInterruptedRotation(database)
            guard let oldKey = try KeySealer.loadMasterKey(at: current) else { fail("there is no master key at \(current)") }
            let newKey = SecureRandom.bytes(32)
            writeSynced(newKey, to: fresh)
            guard link(current, previous) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(fresh)
                fail("cannot keep \(previous): \(reason)")
            }
            guard rename(fresh, current) == 0 else {
                unlink(previous)
                unlink(fresh)
                fail("cannot put the new key in place: \(String(cString: strerror(errno)))")
            }
            KeyRotation.syncDirectory(keys)
            let count: Int
            do {
                count = try KeyRotation.reseal(
                    database, from: try KeySealer(masterKey: oldKey), to: try KeySealer(masterKey: newKey), at: Date())
            } catch {
                // Nothing was committed: the old key goes back.
                rename(previous, current)
                KeyRotation.syncDirectory(keys)
                fail("rotation failed, the old master key is back in place: \(error)")
            }
            unlink(previous)
            KeyRotation.syncDirectory(keys)
            print("re-sealed \(count) keys under a new master key")
        }

        private func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("scm: \(message)\n".utf8))
            Foundation.exit(1)
        }

        private func writeSynced(_ key: [UInt8], to path: String) {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { fail("cannot create \(path): \(String(cString: strerror(errno)))") }
            let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            let synced = fsync(descriptor) == 0
            close(descriptor)
            guard written == key.count, synced else {
                unlink(path)
                fail("cannot write \(path)")
            }
        }

    }
}

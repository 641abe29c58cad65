import Foundation
import Logging
import SCMCore
import SCMPKI
import SCMStore
import Testing

@testable import SCMService

/// A `scm keys rotate` that died half-way (issue 8): the next start settles it by trying which
/// key opens the database, or refuses and says what to do.
@Suite struct KeyRotationRecoveryTests {
    let directory: String
    let files: KeyRotation.KeyFiles
    let database: AppDatabase
    let old = SecureRandom.bytes(32), new = SecureRandom.bytes(32)

    /// A database holding sealed values under `old`, and an empty keys directory.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scm-keys-\(SecureRandom.hex(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        files = KeyRotation.KeyFiles(keysDirectory: directory)
        database = try AppDatabase.inMemory()
        let context = ServiceContext(
            database: database, clock: FixedClock(Date(timeIntervalSince1970: 1_767_225_600)), identifiers: RandomIdentifiers(),
            logger: Logger(label: "test"), sealer: try KeySealer(masterKey: old), reviewScale: 0)
        _ = try DemoSeeder(context: context).seed(count: 3)
    }

    private func write(_ key: [UInt8], to path: String) throws {
        try Data(key).write(to: URL(fileURLWithPath: path))
    }

    private func key(at path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    @Test func nothingLeftOverIsNothingToDo() throws {
        try write(old, to: files.current)
        #expect(try KeyRotation.recoverInterruptedRotation(files, database: database) == nil)
        #expect(key(at: files.current) == old)
    }

    /// The new key in place and the old one beside it: recovery keeps the key that opens the
    /// database, says what it did and leaves no leftover.
    private func recoverWithBothKeysLeft(keeping expected: [UInt8], saying outcome: String) throws {
        try write(new, to: files.current)
        try write(old, to: files.previous)
        let done = try #require(try KeyRotation.recoverInterruptedRotation(files, database: database))
        #expect(done.contains(outcome))
        #expect(key(at: files.current) == expected)
        #expect(files.leftovers.isEmpty)
    }

    /// Died after the new key went into place, before the re-sealing committed.
    @Test func anUncommittedRotationIsRolledBack() throws {
        try recoverWithBothKeysLeft(keeping: old, saying: "rolled back")
    }

    /// Died after the re-sealing committed, before master.key.old was removed.
    @Test func aCommittedRotationIsFinished() throws {
        _ = try KeyRotation.reseal(database, from: try KeySealer(masterKey: old), to: try KeySealer(masterKey: new), at: Date())
        try recoverWithBothKeysLeft(keeping: new, saying: "finished")
    }

    /// Died before anything was renamed: only the unused new key is left.
    @Test func anUnstartedRotationLosesItsNewKey() throws {
        try write(old, to: files.current)
        try write(new, to: files.fresh)
        #expect(try KeyRotation.recoverInterruptedRotation(files, database: database) != nil)
        #expect(key(at: files.current) == old)
        #expect(files.leftovers.isEmpty)
    }

    @Test func noKeyThatOpensTheDatabaseStopsWithWhatToDo() throws {
        try write(new, to: files.current)
        try write(SecureRandom.bytes(32), to: files.previous)
        #expect {
            try KeyRotation.recoverInterruptedRotation(files, database: database)
        } throws: { error in
            let message = (error as? KeyRotation.InterruptedRotation)?.description ?? ""
            return message.contains("neither master.key nor master.key.old opens the sealed keys")
                && message.contains("Nothing was changed")
        }
        #expect(key(at: files.current) == new)
        #expect(files.leftovers == [files.previous])
    }
}

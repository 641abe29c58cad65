import Foundation
import SCMCore
import Testing

@testable import SCMStore

/// A database file reads through one read-only connection per thread (`AppDatabase.open`).
@Suite final class ThreadReadersTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readers-\(UUID().uuidString)").path

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private func addUser(_ database: AppDatabase, _ name: String) throws {
        try database.write { _ = try $0.insert(User(name: name, passwordHash: "x", isAdmin: false, createdAt: Date())) }
    }

    /// What the reading threads saw, in order.
    final class Sightings: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String] = []
        func add(_ name: String) { lock.withLock { seen.append(name) } }
        var all: [String] { lock.withLock { seen } }
    }

    /// Each thread keeps its connection between reads, and still sees at its next read what
    /// another thread committed meanwhile: a kept connection must not keep an old snapshot.
    @Test func everyThreadReadsWhatWasCommittedBefore() throws {
        let database = try AppDatabase.open(path: directory + "/scm.sqlite", auditSeal: .ephemeral())
        try addUser(database, "first")
        let sightings = Sightings()
        let firstReads = DispatchGroup(), written = DispatchSemaphore(value: 0), done = DispatchGroup()
        for _ in 0..<4 {
            firstReads.enter()
            done.enter()
            Thread {
                func look(_ name: String) { sightings.add((try? database.read { try $0.user(named: name)?.name }) ?? "missing") }
                look("first")
                firstReads.leave()
                written.wait()
                look("second")
                done.leave()
            }.start()
        }
        firstReads.wait()
        try addUser(database, "second")
        for _ in 0..<4 { written.signal() }
        done.wait()
        #expect(sightings.all.sorted() == Array(repeating: "first", count: 4) + Array(repeating: "second", count: 4))
    }

    /// A thread reads through the same connection every time, and another thread through its own.
    @Test func eachThreadHasItsOwnConnection() throws {
        let database = try AppDatabase.open(path: directory + "/scm.sqlite", auditSeal: .ephemeral())
        @Sendable func connection() -> String { (try? database.read { "\(String(describing: $0.db.sqliteConnection))" }) ?? "none" }
        let mine = connection()
        #expect(connection() == mine)
        let sightings = Sightings()
        let done = DispatchSemaphore(value: 0)
        Thread {
            sightings.add(connection())
            sightings.add(connection())
            done.signal()
        }.start()
        done.wait()
        let theirs = sightings.all
        #expect(theirs.count == 2 && theirs[0] == theirs[1] && theirs[0] != mine && mine != "none")
    }

    @Test func theThreadConnectionsCannotWrite() throws {
        let database = try AppDatabase.open(path: directory + "/scm.sqlite", auditSeal: .ephemeral())
        #expect(throws: (any Error).self) {
            try database.read { store in try store.db.execute(sql: "DELETE FROM users") }
        }
    }
}

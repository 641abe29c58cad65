import Foundation
import GRDB
import Logging
import SCMCore
import SCMPKI
import Testing

@testable import SCMService
@testable import SCMStore

/// `scm keys rotate` (issue 8): every sealed value moves to the new master key in one transaction.
@Suite struct KeyRotationTests {
    private func context(_ database: AppDatabase, sealer: KeySealer) -> ServiceContext {
        ServiceContext(
            database: database, clock: FixedClock(Date(timeIntervalSince1970: 1_767_225_600)), identifiers: RandomIdentifiers(),
            logger: Logger(label: "test"), sealer: sealer, reviewScale: 0)
    }

    private func sealedValues(_ database: AppDatabase) throws -> [[Data]] {
        try database.writer.read { db in
            try SealedColumns.all.map { try Data.fetchAll(db, sql: "SELECT \($0.column) FROM \($0.table) WHERE \($0.column) IS NOT NULL ORDER BY rowid") }
        }
    }

    @Test func sealedColumnsListEverySealedBlobOfTheSchema() throws {
        let database = try AppDatabase.inMemory()
        let listed = Set(SealedColumns.all.map { "\($0.table).\($0.column)" })
        #expect(try database.read { try $0.sealedBlobColumns() } == listed)
    }

    /// Every sealed value opens under the new key to the same bytes, and no longer under the old one.
    /// (Downloading an uploaded certificate after `scm keys rotate` is in Tests/e2e/test_security.py.)
    @Test func everySealedValueOpensUnderTheNewKeyOnly() throws {
        let database = try AppDatabase.inMemory()
        let old = try KeySealer(masterKey: SecureRandom.bytes(32)), new = try KeySealer(masterKey: SecureRandom.bytes(32))
        _ = try DemoSeeder(context: context(database, sealer: old)).seed(count: 20)
        // The products' copies too: the seeded resources' certificates and a certificate store entry.
        try DeploymentService(context: context(database, sealer: old)).installSeedCertificates()
        try database.write { store in
            let held = try #require(try store.reader.heldCertificates().values.first)
            try store.insert(
                StoredCertificate(
                    product: .cdn, region: "", project: "default", certificateID: "scs1", certificateName: "pushed", domains: [],
                    serialNumber: "", expiresAt: nil, pushedAt: Date()),
                held: held)
        }
        let columns = try sealedValues(database)
        for (index, (table, column)) in SealedColumns.all.enumerated() where table.hasPrefix("cloud_") {
            #expect(!columns[index].isEmpty, "\(table).\(column)")
        }
        let before = columns.flatMap { $0 }
        #expect(!before.isEmpty)
        let plaintexts = try before.map { try old.open([UInt8]($0)) }
        let count = try KeyRotation.reseal(database, from: old, to: new, at: Date())
        #expect(count == before.count)
        let after = try sealedValues(database).flatMap { $0 }
        #expect(try after.map { try new.open([UInt8]($0)) } == plaintexts)
        for value in after { #expect(throws: (any Error).self) { try old.open([UInt8](value)) } }
        let last = try #require(try database.read { try $0.recentEvents(limit: 1).first })
        #expect(last.action == "keys:rotate")
        guard case .intact = try database.verifyAuditChain() else {
            Issue.record("the rotation event broke the audit chain")
            return
        }
    }

    @Test func aValueThatDoesNotOpenRollsEverythingBack() throws {
        let database = try AppDatabase.inMemory()
        let oldKey = SecureRandom.bytes(32)
        _ = try DemoSeeder(context: context(database, sealer: try KeySealer(masterKey: oldKey))).seed(count: 5)
        let sealed = try sealedValues(database)
        #expect(throws: (any Error).self) {
            try KeyRotation.reseal(
                database, from: try KeySealer(masterKey: SecureRandom.bytes(32)), to: try KeySealer(masterKey: SecureRandom.bytes(32)),
                at: Date())
        }
        #expect(try sealedValues(database) == sealed)
    }
}

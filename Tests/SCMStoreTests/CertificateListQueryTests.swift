import Foundation
import Testing

@testable import SCMCore
@testable import SCMStore

/// The list's filters through the real migrator on an in-memory database.
@Suite struct CertificateListQueryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func certificate(_ id: String, notAfter: Date?, status: Certificate.Status) -> Certificate {
        var certificate = Certificate(
            id: id, name: "c-\(id)", brand: .digiCert, type: .dv, domainType: .single, domainQuota: 1, status: status,
            createdAt: now - .days(400))
        certificate.notAfter = notAfter
        return certificate
    }

    @Test func expiredDaysSinceKeepsValidAndRecentlyExpiredOnly() throws {
        let database = try AppDatabase.inMemory()
        try database.write { store in
            try store.insert(certificate("scs0000000000001", notAfter: nil, status: .paid), ownerID: nil)
            try store.insert(certificate("scs0000000000002", notAfter: now + .days(100), status: .issued), ownerID: nil)
            try store.insert(certificate("scs0000000000003", notAfter: now - .days(30), status: .expired), ownerID: nil)
            try store.insert(certificate("scs0000000000004", notAfter: now - .days(30) - 1, status: .expired), ownerID: nil)
        }
        var query = CertificateListQuery(sort: .name, ascending: true, limit: 50)
        query.expiredDaysSince = 30
        query.expiringFrom = now
        let ids = try database.read { try $0.certificates(matching: query) }.items.map(\.id)
        #expect(ids == ["scs0000000000001", "scs0000000000002", "scs0000000000003"])
    }
}

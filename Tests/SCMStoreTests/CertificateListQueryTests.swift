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

    /// The keyword search drives the query from its matches when they are few and from the other
    /// filters when they are many; both plans must give what a plain filter over every row gives.
    @Test(arguments: ["host10", "common", "scs00000000001", "nothing-like-it"])
    func bothSearchPlansGiveTheSameAnswer(keyword: String) throws {
        let database = try AppDatabase.inMemory()
        let statuses: [Certificate.Status] = [.issued, .paid, .expired]
        var all: [Certificate] = []
        try database.write { store in
            for index in 0..<(StoreReader.selectiveSearchLimit + 100) {
                var certificate = certificate(
                    String(format: "scs%013d", index), notAfter: now + .days(Double(index % 90)), status: statuses[index % 3])
                certificate.domain = "host\(index).common.example"
                certificate.updatedAt = now - Double(index * 37 % 1000)
                try store.insert(certificate, ownerID: nil)
                all.append(certificate)
            }
        }
        let selective = try database.read { try $0.fewSearchMatches(StoreReader.ftsPhrase(keyword)) != nil }
        #expect(selective == (keyword != "common"))
        for sort in [CertificateListQuery.SortKey.updated, .name, .expires] {
            var query = CertificateListQuery(sort: sort, ascending: sort == .name, limit: 20)
            query.status = .issued
            query.keyword = keyword
            let page = try database.read { try $0.certificates(matching: query) }
            let expected = all.filter {
                $0.status == .issued && ($0.name.localizedLowercase.contains(keyword) || $0.domain.contains(keyword))
            }
            #expect(page.total == expected.count, "\(keyword) by \(sort)")
            let byOrder: (Certificate, Certificate) -> Bool =
                switch sort {
                case .name: { ($0.name, $0.id) < ($1.name, $1.id) }
                case .expires: { ($0.notAfter!, $0.id) < ($1.notAfter!, $1.id) }
                default: { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
                }
            let sortedExpected = sort == .expires ? expected.sorted(by: byOrder).reversed() : expected.sorted(by: byOrder)
            #expect(page.items.map(\.id) == sortedExpected.prefix(20).map(\.id), "\(keyword) by \(sort)")
        }
    }
}

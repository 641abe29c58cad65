import Foundation
import SCMCore
import SCMStore
import Testing

@testable import SCMService

/// A stopping `scm serve` waits for the scheduler's pass in progress; on a large database that
/// pass must end at the next certificate, not after all of them (the benchmark's 100,000
/// certificates kept SIGTERM waiting 20 s).
@Suite struct SchedulerStopTests {
    @Test func aStoppedSchedulerTakesNoFurtherStepAndTheNextPassDoesTheRest() throws {
        let world = try World()
        let purchase = PurchaseRequest(
            brand: .digiCert, type: .dv, domainType: .single, multiDomainPrimary: .single, domainQuantity: 1, years: 1,
            quantity: 2, enterpriseProject: "default", tags: [], agreed: true)
        let lifecycle = LifecycleService(context: world.context)
        var expiries: [Date] = []
        for (index, certificate) in try lifecycle.buy(purchase, by: .system).certificates.enumerated() {
            _ = try lifecycle.apply(certificateID: certificate.id, form: World.form("www\(index).example.com"), by: .system)
            try world.prove(certificate.id)
            expiries.append(try #require(try world.load(certificate.id).notAfter))
        }
        world.clock.set(try #require(expiries.max()) + .days(1))
        func expiredCount() throws -> Int {
            try world.context.database.read { try $0.certificatesPastExpiry(now: world.clock.now) }.count
        }
        #expect(try expiredCount() == 2)

        let stopping = Scheduler(context: world.context, holder: "test:1")
        stopping.stop()
        #expect(try stopping.runOnce() == 0)
        #expect(try expiredCount() == 2)
        stopping.releaseLease()

        #expect(try Scheduler(context: world.context, holder: "test:2").runOnce() ?? 0 >= 2)
        #expect(try expiredCount() == 0)
    }

    @Test func theFreeCertificateIsBoughtForOneYearOnly() {
        let free = PurchaseRequest(
            brand: .digiCert, type: .dvBasic, domainType: .single, multiDomainPrimary: .single, domainQuantity: 1, years: 2,
            quantity: 1, enterpriseProject: "default", tags: [], agreed: true)
        #expect(throws: RefusalList.self) { try free.validate() }
        var paid = free
        paid.type = .dv
        #expect(throws: Never.self) { try paid.validate() }
    }
}

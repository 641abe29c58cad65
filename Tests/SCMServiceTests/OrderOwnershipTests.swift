import Foundation
import SCMCore
import SCMStore
import Testing

@testable import SCMService

/// Orders reference a stored user or none: the system principal (user ID 0) buys for nobody, and
/// what it buys or refunds for a certificate belongs to the certificate's owner.
@Suite struct OrderOwnershipTests {
    @Test func systemOrdersBelongToTheCertificatesOwnerOrToNoUser() throws {
        let world = try World()
        let (stored, _) = try AuthService(context: world.context).createUser(name: "olivia", password: "olivia-password", isAdmin: true)
        let owner = Principal(userID: stored.id, name: stored.name, isAdmin: true)
        let purchase = PurchaseRequest(
            brand: .digiCert, type: .dv, domainType: .single, multiDomainPrimary: .single, domainQuantity: 1, years: 1,
            quantity: 1, enterpriseProject: "default", tags: [], agreed: true)
        let lifecycle = LifecycleService(context: world.context)

        let bought = try lifecycle.buy(purchase, by: owner)
        #expect(bought.order.userID == owner.userID)
        _ = try lifecycle.apply(certificateID: bought.certificates[0].id, form: World.form("www.example.com"), by: owner)
        try world.prove(bought.certificates[0].id)
        let issued = try world.load(bought.certificates[0].id)
        #expect(issued.status == .issued)
        _ = try world.management.setAutoRenew(certificateID: issued.id, enabled: true, by: owner)
        world.clock.set(try #require(issued.notAfter) - .days(30))
        try ExpiryService(context: world.context).runOnce()
        let renewal = try world.load(try #require(try world.load(issued.id).renewedBy))
        let renewalOrderID = try #require(renewal.orderID)
        let renewalOrder = try #require(try world.context.database.read { try $0.order(id: renewalOrderID) })
        #expect(renewalOrder.kind == .renewal && renewalOrder.userID == owner.userID)

        let systemPurchase = try lifecycle.buy(purchase, by: .system)
        #expect(systemPurchase.order.userID == nil)
        let unsubscribed = try lifecycle.buy(purchase, by: owner).certificates[0]
        let refund = try world.management.unsubscribe(certificateID: unsubscribed.id, acknowledged: true, by: .system)
        #expect(refund.userID == owner.userID)
    }
}

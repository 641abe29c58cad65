import Testing

@testable import SCMCore

@Suite("Purchase rules (RULES.md §1)")
struct PurchaseRequestTests {
    @Test(arguments: DomainType.allCases)
    func domainQuantityPerDomainType(_ domainType: DomainType) throws {
        let valid = domainType == .multiple ? [2, 250] : [1]
        let invalid = domainType == .multiple ? [1, 251] : [0, 2]
        for quantity in valid {
            let request = PurchaseRequest(brand: .digiCert, type: .ov, domainType: domainType, domainQuantity: quantity, agreed: true)
            #expect(throws: Never.self) { try request.validate() }
        }
        for quantity in invalid {
            let request = PurchaseRequest(brand: .digiCert, type: .ov, domainType: domainType, domainQuantity: quantity, agreed: true)
            #expect(throws: RefusalList.self) { try request.validate() }
        }
    }

    @Test func evCannotBeWildcardAndEveryErrorIsReported() {
        let request = PurchaseRequest(
            brand: .digiCert, type: .ev, domainType: .wildcard, years: 4, quantity: 0, agreed: false)
        do {
            try request.validate()
            Issue.record("expected refusals")
        } catch {
            #expect(error.fields == ["domain_type", "effective_time", "order_number", "agree"])
            #expect(error.refusals(for: "domain_type").first?.message.contains("cannot be wildcard") == true)
        }
    }

    @Test func freeOnlyForSingleDomainDVBasic() {
        #expect(PurchaseRequest(brand: .trustAsia, type: .dvBasic, domainType: .single, agreed: true).unitPrice == 0)
        #expect(PurchaseRequest(brand: .trustAsia, type: .dvBasic, domainType: .wildcard, agreed: true).unitPrice > 0)
        let multi = PurchaseRequest(brand: .cfca, type: .ov, domainType: .multiple, domainQuantity: 3, years: 2, quantity: 2, agreed: true)
        #expect(multi.totalPrice == multi.unitPrice * 2)
        #expect(multi.unitPrice == PriceList.yearlyPrice(brand: .cfca, type: .ov, domainType: .multiple) * 3 * 2)
    }
}

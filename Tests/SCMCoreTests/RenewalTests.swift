import Foundation
import Testing

@testable import SCMCore

@Suite("RULES.md §6: renewal inheritance")
struct RenewalTests {
    @Test func theRulesExample() {
        // Original expires 2022-11-30, renewal issued 2022-11-25 → renewal expires 2023-11-30.
        let original = utc("2022-11-30T00:00:00Z")
        let issued = utc("2022-11-25T00:00:00Z")
        #expect(
            renewalNotAfter(originalNotAfter: original, inherits: true, issuedAt: issued) == utc("2023-11-30T00:00:00Z")
        )
        #expect(
            renewalNotAfter(originalNotAfter: original, inherits: false, issuedAt: issued)
                == utc("2023-11-25T00:00:00Z"))
    }

    @Test func timeOfDayIsKept() {
        let original = utc("2022-11-30T08:15:00Z")
        let issued = utc("2022-11-25T17:40:00Z")
        #expect(
            renewalNotAfter(originalNotAfter: original, inherits: true, issuedAt: issued) == utc("2023-11-30T08:15:00Z")
        )
    }

    @Test func plainYearWithoutAnOriginal() {
        let issued = utc("2024-06-15T12:00:00Z")
        #expect(renewalNotAfter(originalNotAfter: nil, inherits: true, issuedAt: issued) == utc("2025-06-15T12:00:00Z"))
    }

    @Test func leapDayPlusOneYearIs28February() {
        let issued = utc("2024-02-29T10:00:00Z")
        #expect(
            renewalNotAfter(originalNotAfter: nil, inherits: false, issuedAt: issued) == utc("2025-02-28T10:00:00Z"))
    }

    @Test func anExpiredOriginalLeavesNothingToInherit() {
        let original = utc("2022-11-30T00:00:00Z")
        let issued = utc("2022-12-10T00:00:00Z")
        #expect(
            renewalNotAfter(originalNotAfter: original, inherits: true, issuedAt: issued) == utc("2023-12-10T00:00:00Z")
        )
    }

    @Test func neverMoreThan398DaysAfterIssuance() {
        let original = utc("2023-03-01T00:00:00Z")
        let issued = utc("2022-12-01T00:00:00Z")  // three months early: not a real renewal
        #expect(renewalNotAfter(originalNotAfter: original, inherits: true, issuedAt: issued) == issued + .days(398))
    }

    @Test func inheritsOnlyWithTheSameCATypeDomainTypeQuantityAndPrimaryDomain() {
        let original = certificate(.issued, domainType: .multiple, quota: 5)
        var renewal = certificate(.paid, domainType: .multiple, quota: 5)
        renewal.domain = "WWW.example.com"
        #expect(renewalInherits(from: original, to: renewal))
        var changed = renewal
        changed.brand = .geoTrust
        #expect(!renewalInherits(from: original, to: changed))
        changed = renewal
        changed.type = .ovPro
        #expect(!renewalInherits(from: original, to: changed))
        changed = renewal
        changed.domainType = .single
        #expect(!renewalInherits(from: original, to: changed))
        changed = renewal
        changed.domainQuota = 6
        #expect(!renewalInherits(from: original, to: changed))
        changed = renewal
        changed.domain = "shop.example.com"
        #expect(!renewalInherits(from: original, to: changed))
    }
}

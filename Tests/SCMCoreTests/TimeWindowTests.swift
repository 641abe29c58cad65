import Foundation
import Testing

@testable import SCMCore

/// Every time window of RULES.md §3 at −1 s, 0 and +1 s around its boundary. `now` is fixed; the
/// certificate's dates are placed so that `now` falls exactly at boundary + offset.
@Suite("RULES.md §3/§6: time windows")
struct TimeWindowTests {
    static let offsets: [TimeInterval] = [-1, 0, 1]

    // MARK: Unsubscribe: within 7 × 24 h of payment (inclusive)

    @Test(arguments: offsets)
    func refundWindowForPaid(offset: TimeInterval) {
        var c = certificate(.paid)
        c.paidAt = now - Certificate.refundWindow - offset  // now = paidAt + 7 d + offset
        let refused = refusal(.unsubscribe, c)
        if offset <= 0 {
            #expect(refused == nil)
        } else {
            #expect(refused?.code == .refundWindowClosed)
            #expect(refused?.message.contains("within 7 days (7 × 24 h) of payment") == true)
        }
    }

    @Test(arguments: offsets)
    func refundWindowForRevoked(offset: TimeInterval) {
        var c = certificate(.revoked)
        c.paidAt = now - .days(7) - offset
        #expect((refusal(.unsubscribe, c)?.code) == (offset <= 0 ? nil : .refundWindowClosed))
    }

    @Test func refundWindowIsExactly7Times24Hours() {
        #expect(Certificate.refundWindow == 7 * 24 * 3_600)
    }

    // MARK: Reissue: within 25 days of issuance (5 for GlobalSign), inclusive

    @Test(arguments: CABrand.allCases, offsets)
    func reissueWindow(brand: CABrand, offset: TimeInterval) {
        let days: Double = brand == .globalSign ? 5 : 25
        var c = certificate(.issued, brand: brand)
        c.issuedAt = now - .days(days) - offset
        let refused = refusal(.reissue, c)
        if offset <= 0 {
            #expect(refused == nil)
        } else {
            #expect(refused?.code == .reissueWindowClosed)
            #expect(
                refused?.message.contains(
                    "\(brand.displayName) certificates can be reissued only within \(Int(days)) days of issuance")
                    == true)
        }
    }

    @Test func reissueWindowCountsFromTheFirstIssuanceNotTheLastReissue() {
        var c = certificate(.issued, brand: .globalSign)
        c.issuedAt = now - .days(6)
        c.notBefore = now - .days(1)  // reissued yesterday: the window does not restart
        #expect(refusal(.reissue, c)?.code == .reissueWindowClosed)
    }

    // MARK: Renew: from 30 days before expiry (inclusive) until expiry (inclusive)

    @Test(arguments: offsets)
    func renewWindowOpens30DaysBeforeExpiry(offset: TimeInterval) {
        var c = certificate(.issued)
        c.notAfter = now + Certificate.renewWindow - offset  // now = notAfter − 30 d + offset
        let refused = refusal(.renew, c)
        if offset >= 0 {
            #expect(refused == nil)
        } else {
            #expect(refused?.code == .renewWindowNotOpen)
            #expect(refused?.message.contains("only within 30 days before it expires") == true)
        }
    }

    @Test(arguments: offsets)
    func renewWindowClosesAtExpiry(offset: TimeInterval) {
        var c = certificate(.issued)
        c.notAfter = now - offset  // now = notAfter + offset
        let refused = refusal(.renew, c)
        if offset <= 0 {
            #expect(refused == nil)
        } else {
            #expect(refused?.code == .renewAfterExpiry)
            #expect(
                refused?.message.contains("renewal is possible only before expiry, so buy a new certificate") == true)
        }
    }

    // MARK: Revoke: not within 30 days before expiry (the 30th day included)

    @Test(arguments: offsets)
    func revokeBanStarts30DaysBeforeExpiry(offset: TimeInterval) {
        var c = certificate(.issued)
        c.notAfter = now + Certificate.revokeBanBeforeExpiry - offset  // now = notAfter − 30 d + offset
        let refused = refusal(.revoke, c)
        if offset < 0 {
            #expect(refused == nil)
        } else {
            #expect(refused?.code == .revokeNearExpiry)
            #expect(refused?.message.contains("cannot be revoked within 30 days before it expires") == true)
        }
    }

    @Test(arguments: [-86_400.0, -1, 0, 1, 86_400])
    func renewAndRevokeNeverBothRefusedForTimeBeforeExpiry(offset: TimeInterval) {
        var c = certificate(.issued)
        c.notAfter = now + .days(30) - offset
        let renewable = refusal(.renew, c) == nil
        let revocable = refusal(.revoke, c) == nil
        #expect(renewable != revocable)
    }

    @Test func revokeAfterExpiryIsRefused() {
        var c = certificate(.issued)
        c.notAfter = now - 1
        #expect(refusal(.revoke, c)?.code == .revokeNearExpiry)
    }

    // MARK: Expire soon (RULES.md §2) and expiry (RULES.md §6)

    @Test(arguments: [Certificate.Status.issued, .upload], offsets)
    func expireSoonFrom30DaysBeforeExpiry(status: Certificate.Status, offset: TimeInterval) {
        var c = certificate(status)
        c.notAfter = now + .days(30) - offset
        #expect(c.expiresSoon(now: now) == (offset >= 0))
    }

    @Test(arguments: [Certificate.Status.issued, .upload], offsets)
    func expireSoonUntilExpiry(status: Certificate.Status, offset: TimeInterval) {
        var c = certificate(status)
        c.notAfter = now - offset
        #expect(c.expiresSoon(now: now) == (offset <= 0))
        #expect(c.isPastExpiry(now: now) == (offset > 0))
    }

    @Test(arguments: Certificate.Status.allCases)
    func expireSoonOnlyForIssuedAndUpload(status: Certificate.Status) {
        var c = certificate(status)
        c.notAfter = now + .days(10)
        let expected = status == .issued || status == .upload
        #expect(c.expiresSoon(now: now) == expected)
        c.notAfter = now - 1
        #expect(c.isPastExpiry(now: now) == expected)
    }
}

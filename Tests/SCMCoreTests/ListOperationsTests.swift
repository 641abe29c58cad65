import Foundation
import Testing

@testable import SCMCore

/// The operations column of the list, by status, as the end of RULES.md §3 describes it.
@Suite("RULES.md §3: the list's operations column")
struct ListOperationsTests {
    @Test func pendingApplicationWithinSevenDays() {
        let ops = listOperations(for: certificate(.paid), now: now)
        #expect(ops.shown == [.apply, .unsubscribe])
        #expect(ops.more.isEmpty)
    }

    @Test func pendingApplicationAfterSevenDays() {
        var c = certificate(.paid)
        c.paidAt = now - .days(8)
        #expect(listOperations(for: c, now: now).shown == [.apply])
    }

    @Test func pendingDomainNameVerification() {
        #expect(listOperations(for: certificate(.checking), now: now).shown == [.verifyDomain, .withdraw])
    }

    @Test func pendingOrganizationVerification() {
        #expect(listOperations(for: certificate(.checkingOrg), now: now).shown == [.verifyOrganization, .withdraw])
    }

    @Test func issuedSingleDomain() {
        let ops = listOperations(for: certificate(.issued), now: now)
        #expect(ops.shown == [.download, .deploy, .push, .revoke, .delete])
        #expect(ops.more == [.reissue])
    }

    @Test func issuedMultipleDomains() {
        let ops = listOperations(for: certificate(.issued, domainType: .multiple), now: now)
        #expect(ops.shown == [.download, .deploy, .push, .revoke, .delete])
        #expect(ops.more == [.addDomains])
    }

    @Test func issuedAndExpiringSoonShowsRenewFirst() {
        var c = certificate(.issued)
        c.issuedAt = now - .days(340)
        c.notAfter = now + .days(25)
        #expect(c.expiresSoon(now: now))
        let ops = listOperations(for: c, now: now)
        #expect(ops.shown.first == .renew)
        #expect(ops.shown == [.renew, .download, .deploy, .push, .delete])
        #expect(ops.more.isEmpty)
    }

    @Test func reissuingShowsConfirmOperation() {
        #expect(listOperations(for: certificate(.reissuing), now: now).shown == [.confirmOperation])
    }

    @Test func hosted() {
        let ops = listOperations(for: uploadedCertificate(.upload), now: now)
        #expect(ops.shown == [.download, .deploy, .push, .delete])
        #expect(ops.more.isEmpty)
    }

    @Test func expired() {
        var c = certificate(.expired)
        c.paidAt = now - .days(400)
        #expect(listOperations(for: c, now: now).shown == [.download, .delete])
        #expect(listOperations(for: uploadedCertificate(.expired), now: now).shown == [.download, .delete])
    }

    @Test func approvalFailedOffersANewApplication() {
        #expect(listOperations(for: certificate(.unpassed), now: now).shown == [.newApplication])
    }

    @Test(arguments: Certificate.Status.allCases)
    func listShowsOnlyAllowedOperations(status: Certificate.Status) {
        let c = certificate(status)
        let ops = listOperations(for: c, now: now)
        let allowed = allowedOperations(for: c, now: now)
        #expect(Set(ops.shown + ops.more).isSubset(of: allowed))
    }
}

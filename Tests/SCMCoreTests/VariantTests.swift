import Foundation
import Testing

@testable import SCMCore

/// Paid, free and uploaded certificates differ in delete, renew, reissue and unsubscribe
/// (RULES.md §3). Free = DV (Basic) bought at price 0.
@Suite("RULES.md §3: paid, free and uploaded variants")
struct VariantTests {
    // MARK: Delete

    @Test(arguments: Certificate.Status.allCases)
    func deletePaid(status: Certificate.Status) {
        guard status != .upload else { return }
        let refused = refusal(.delete, certificate(status))
        let allowed: Set<Certificate.Status> = [.issued, .revoked, .expired]
        #expect((refused == nil) == allowed.contains(status))
        if let refused {
            #expect(refused.code == .wrongStatus)
            #expect(refused.message.hasPrefix("Deleting a paid certificate is not possible"))
        }
    }

    @Test(arguments: Certificate.Status.allCases)
    func deleteFree(status: Certificate.Status) {
        guard status != .upload else { return }
        let c = freeCertificate(status)
        #expect(c.isFree)
        let console = refusal(.delete, c, channel: .console)
        let api = refusal(.delete, c, channel: .api)
        switch status {
        case .paid, .revoked, .expired:
            #expect(console == nil)
            #expect(api == nil)
        case .issued:
            #expect(console?.code == .consoleCannotDeleteIssuedFree)
            #expect(console?.message.contains("only through the API") == true)
            #expect(api == nil)
        default:
            #expect(console?.code == .wrongStatus)
            #expect(console?.message.hasPrefix("Deleting a free certificate is not possible") == true)
            #expect(api?.code == .wrongStatus)
        }
    }

    @Test(arguments: [Certificate.Status.upload, .expired, .issued])
    func deleteUploaded(status: Certificate.Status) {
        let refused = refusal(.delete, uploadedCertificate(status))
        if status == .issued {
            #expect(refused?.code == .wrongStatus)
            #expect(refused?.message.hasPrefix("Deleting an uploaded certificate is not possible") == true)
        } else {
            #expect(refused == nil)
        }
    }

    @Test func issuedFreeCertificateListShowsNoDeleteButTheAPIMayDelete() {
        let c = freeCertificate(.issued)
        #expect(!allowedOperations(for: c, now: now).contains(.delete))
        #expect(allowedOperations(for: c, now: now, channel: .api).contains(.delete))
    }

    // MARK: Renew

    private func expiringSoon(_ c: Certificate) -> Certificate {
        var c = c
        c.notAfter = now + .days(10)
        return c
    }

    @Test func renewPaid() {
        #expect(refusal(.renew, expiringSoon(certificate(.issued))) == nil)
    }

    @Test func renewFree() {
        let refused = refusal(.renew, expiringSoon(freeCertificate(.issued)))
        #expect(refused?.code == .freeCertificate)
        #expect(refused?.message == "A free certificate cannot be renewed; only paid certificates can be.")
        #expect(refusal(.autoRenew, freeCertificate(.issued))?.code == .freeCertificate)
    }

    @Test(arguments: [Certificate.Status.upload, .expired])
    func renewUploaded(status: Certificate.Status) {
        let refused = refusal(.renew, expiringSoon(uploadedCertificate(status)))
        #expect(refused?.code == .uploadedCertificate)
        #expect(
            refused?.message
                == "Renewal is not possible for an uploaded certificate: only certificates bought here can be.")
    }

    @Test func renewMultipleAndWildcardPaid() {
        #expect(refusal(.renew, expiringSoon(certificate(.issued, domainType: .multiple))) == nil)
        #expect(refusal(.renew, expiringSoon(certificate(.issued, domainType: .wildcard))) == nil)
    }

    // MARK: Reissue

    @Test func reissuePaidSingleAndWildcard() {
        #expect(refusal(.reissue, certificate(.issued)) == nil)
        #expect(refusal(.reissue, certificate(.issued, domainType: .wildcard)) == nil)
    }

    @Test func reissuePaidMultipleIsRefused() {
        let refused = refusal(.reissue, certificate(.issued, domainType: .multiple))
        #expect(refused?.code == .notSingleOrWildcard)
        #expect(refused?.message.contains("only for single-domain and wildcard certificates") == true)
    }

    @Test func reissueFree() {
        let refused = refusal(.reissue, freeCertificate(.issued))
        #expect(refused?.code == .freeCertificate)
        #expect(refused?.message.contains("free certificate cannot be reissued") == true)
    }

    @Test(arguments: [Certificate.Status.upload, .expired])
    func reissueUploaded(status: Certificate.Status) {
        let refused = refusal(.reissue, uploadedCertificate(status))
        #expect(refused?.code == .uploadedCertificate)
        #expect(refused?.message.contains("uploaded certificate") == true)
    }

    // MARK: Unsubscribe

    @Test(arguments: [Certificate.Status.paid, .revoked])
    func unsubscribePaid(status: Certificate.Status) {
        #expect(refusal(.unsubscribe, certificate(status)) == nil)
    }

    @Test(arguments: [Certificate.Status.checking, .issued, .expired, .revoking])
    func unsubscribePaidInOtherStatuses(status: Certificate.Status) {
        let refused = refusal(.unsubscribe, certificate(status))
        #expect(refused?.code == .wrongStatus)
        #expect(refused?.message.contains("\"Pending application\" or \"Revoked\"") == true)
    }

    @Test(arguments: [Certificate.Status.paid, .revoked])
    func unsubscribeFree(status: Certificate.Status) {
        let refused = refusal(.unsubscribe, freeCertificate(status))
        #expect(refused?.code == .freeCertificate)
        #expect(refused?.message.contains("nothing to refund; delete it instead") == true)
    }

    @Test(arguments: [Certificate.Status.upload, .expired])
    func unsubscribeUploaded(status: Certificate.Status) {
        let refused = refusal(.unsubscribe, uploadedCertificate(status))
        #expect(refused?.code == .uploadedCertificate)
        #expect(refused?.message.hasPrefix("Unsubscribing is not possible for an uploaded certificate") == true)
    }
}

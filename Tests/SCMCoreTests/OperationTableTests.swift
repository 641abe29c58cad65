import Foundation
import Testing

@testable import SCMCore

/// One cell of the RULES.md §3 table: allowed, or refused with this code.
enum Cell: Equatable, CustomStringConvertible {
    case ok
    case no(Refusal.Code)
    var description: String {
        switch self {
        case .ok: "allowed"
        case .no(let code): "refused (\(code))"
        }
    }
}

private let ok = Cell.ok
/// Refused for the status.
private let S = Cell.no(.wrongStatus)

/// RULES.md §3, for the fixture `certificate(status)`: a paid DigiCert OV single-domain certificate,
/// paid 2 days ago, issued 1 day ago (reissue window open, renew window not yet, revoke allowed),
/// applied for in every status past PAID; UPLOAD is an uploaded certificate. Columns follow
/// `Certificate.Status.allCases`:
///                                 PAID CHECK ORG  ISSNG ISSUED UNPAS CANCK SUPPL CNSUP REISS REVKG REVKD UPLD EXPRD
// swift-format-ignore
let expectedTable: [Certificate.Operation: [Cell]] = [
    .apply:                        [ok,  S,    S,   S,    S,     S,    S,    S,    S,    S,    S,    S,    S,   S],
    .newApplication:               [S,   S,    S,   S,    S,     ok,   S,    S,    S,    S,    S,    S,    S,   S],
    .verifyDomain:                 [S,   ok,   S,   S,    S,     S,    S,    S,    S,    S,    S,    S,    S,   S],
    .changeVerificationMethod:     [S,   ok,   S,   S,    S,     S,    S,    S,    S,    S,    S,    S,    S,   S],
    .verifyOrganization:           [S,   S,    ok,  S,    S,     S,    S,    S,    S,    S,    S,    S,    S,   S],
    .withdraw:                     [S,   ok,   ok,  S,    S,     S,    S,    S,    S,    S,    S,    S,    S,   S],
    .withdrawDomainAddition:       [S,   S,    S,   S,    S,     S,    S,    ok,   S,    S,    S,    S,    S,   S],
    .reissue:                      [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    S,    .no(.uploadedCertificate), S],
    .confirmOperation:             [S,   S,    S,   S,    S,     S,    S,    S,    S,    ok,   S,    S,    S,   S],
    .addDomains:                   [S,   S,    S,   S,    .no(.notMultiDomain), S, S, S, S,   S,    S,    S,    .no(.uploadedCertificate), S],
    .renew:                        [S,   S,    S,   S,    .no(.renewWindowNotOpen), S, S, S, S, S, S,   S,    .no(.uploadedCertificate), S],
    .autoRenew:                    [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    S,    .no(.uploadedCertificate), S],
    .revoke:                       [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    S,    .no(.uploadedCertificate), S],
    .delete:                       [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    ok,   ok,  ok],
    .unsubscribe:                  [ok,  S,    S,   S,    S,     S,    S,    S,    S,    S,    S,    ok,   .no(.uploadedCertificate), S],
    .cancelPrivacy:                [.no(.noApplication), .no(.privacyReviewInProgress), .no(.privacyReviewInProgress),
                                    .no(.privacyReviewInProgress), ok, ok, ok, .no(.privacyReviewInProgress), ok, ok, ok, ok,
                                    .no(.noApplication), ok],
    .rename:                       [ok,  ok,   ok,  ok,   ok,    ok,   ok,   ok,   ok,   ok,   ok,   ok,   ok,  ok],
    .moveProject:                  [ok,  ok,   ok,  ok,   ok,    ok,   ok,   ok,   ok,   ok,   ok,   ok,   ok,  ok],
    .download:                     [S,   S,    S,   S,    ok,    S,    S,    ok,   S,    S,    S,    S,    ok,  ok],
    .deploy:                       [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    S,    ok,  S],
    .push:                         [S,   S,    S,   S,    ok,    S,    S,    S,    S,    S,    S,    S,    ok,  S],
]

@Suite("RULES.md §3: every status × every operation")
struct OperationTableTests {
    @Test("the table has a cell for every operation and status")
    func tableIsComplete() {
        for operation in Certificate.Operation.allCases {
            let row = expectedTable[operation]
            #expect(row != nil, "no row for \(operation) in the expected table")
            #expect(row?.count == Certificate.Status.allCases.count, "row \(operation) has \(row?.count ?? 0) cells")
        }
    }

    @Test(arguments: Certificate.Status.allCases)
    func everyOperation(status: Certificate.Status) throws {
        let column = try #require(Certificate.Status.allCases.firstIndex(of: status))
        let c = certificate(status)
        for operation in Certificate.Operation.allCases {
            guard let row = expectedTable[operation], row.count > column else {
                Issue.record("missing cell \(operation) × \(status.rawValue)")
                continue
            }
            let actual: Cell = refusal(operation, c).map { .no($0.code) } ?? .ok
            #expect(actual == row[column], "\(operation) on \(status.rawValue)")
        }
    }

    @Test(arguments: Certificate.Status.allCases)
    func allowedOperationsMatchesCheck(status: Certificate.Status) {
        let c = certificate(status)
        let allowed = allowedOperations(for: c, now: now)
        for operation in Certificate.Operation.allCases {
            #expect(allowed.contains(operation) == (refusal(operation, c) == nil), "\(operation) on \(status.rawValue)")
        }
    }

    @Test(arguments: Certificate.Status.allCases)
    func wrongStatusMessagesNameTheStatusAndWhatIsAllowed(status: Certificate.Status) {
        let c = certificate(status)
        for operation in Certificate.Operation.allCases {
            guard let refused = refusal(operation, c), refused.code == .wrongStatus else { continue }
            #expect(refused.message.contains(c.statusLabel), "\(operation): \(refused.message)")
            #expect(
                refused.message.contains("allowed only") || refused.message.contains("possible only"),
                "\(refused.message)")
        }
    }

    @Test func wrongStatusMessageReadsWell() {
        let refused = refusal(.apply, certificate(.issued))
        #expect(refused?.code == .wrongStatus)
        #expect(
            refused?.message
                == "Applying is not possible while the certificate is \"Issued\"; it is allowed only when the certificate is \"Pending application\"."
        )
        let withdraw = refusal(.withdraw, certificate(.issuing))
        #expect(
            withdraw?.message
                == "Withdrawing the application is not possible while the certificate is \"To be issued\"; it is allowed only when the certificate is \"Pending domain name verification\" or \"Pending organization verification\"."
        )
    }

    @Test func confirmOperationOnlyForTheReissueCancellation() {
        var c = certificate(.reissuing)
        #expect(refusal(.confirmOperation, c) == nil)
        c.awaitingConfirmation = nil
        #expect(refusal(.confirmOperation, c)?.code == .wrongStatus)
        // The OV/EV revocation mail is confirmed from the applicant's mailbox, not from the list.
        let revoking = certificate(.revoking)
        #expect(revoking.awaitingConfirmation == .revocation)
        #expect(refusal(.confirmOperation, revoking)?.message.contains("reissue") == true)
    }

    @Test func addDomainsOnMultipleDomainsUntilTheQuotaIsUsed() {
        var c = certificate(.issued, domainType: .multiple, quota: 3)
        #expect(c.allDomains.count == 2)
        #expect(refusal(.addDomains, c) == nil)
        c.sans.append("img.example.com")
        let refused = refusal(.addDomains, c)
        #expect(refused?.code == .domainQuotaUsedUp)
        #expect(refused?.message.contains("All 3 domain names") == true)
        #expect(refusal(.addDomains, certificate(.issued))?.message.contains("multiple-domain") == true)
    }

    @Test func deployAndPushRefuseACertificateWhoseCSRWasUploaded() {
        var c = certificate(.issued)
        c.csrSource = .uploaded
        for operation in [Certificate.Operation.deploy, .push] {
            let refused = refusal(operation, c)
            #expect(refused?.code == .uploadedCSR)
            #expect(refused?.message.contains("private key is not here") == true)
        }
        #expect(refusal(.download, c) == nil)
    }

    @Test func cancelPrivacyOnceOnlyAndNotDuringAReview() {
        var c = certificate(.issued)
        #expect(refusal(.cancelPrivacy, c) == nil)
        c.privacyCancelled = true
        #expect(refusal(.cancelPrivacy, c)?.code == .privacyAlreadyCancelled)
        let reviewing = refusal(.cancelPrivacy, certificate(.checkingOrg))
        #expect(reviewing?.message.contains("while the CA is reviewing") == true)
        // PAID again after a withdrawal keeps the application: privacy can be cancelled.
        var withdrawn = certificate(.paid)
        withdrawn.appliedAt = now - .days(1)
        #expect(refusal(.cancelPrivacy, withdrawn) == nil)
    }

    @Test func renewIsRefusedOnceARenewalWasBought() {
        var c = certificate(.issued)
        c.notAfter = now + .days(10)
        #expect(refusal(.renew, c) == nil)
        c.renewedBy = "scs1718000000001"
        #expect(refusal(.renew, c)?.code == .renewalAlreadyBought)
    }
}

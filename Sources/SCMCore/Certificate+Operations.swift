import Foundation

extension Certificate {
    /// The operations a user can ask for (RULES.md §3). The CA's own steps (domain verified, issue,
    /// approval fails, …) are decided by the CA simulator (SCMCloud `CAReview`), not here.
    public enum Operation: String, CaseIterable, Sendable, Codable {
        case apply
        case newApplication = "new-application"
        case verifyDomain = "verify-domain"
        case changeVerificationMethod = "change-method"
        case verifyOrganization = "verify-organization"
        case withdraw
        case withdrawDomainAddition = "withdraw-domain-addition"
        case reissue
        case confirmOperation = "confirm-operation"
        case addDomains = "add-domains"
        case renew
        case autoRenew = "auto-renew"
        case revoke
        case delete
        case unsubscribe
        case cancelPrivacy = "cancel-privacy"
        case rename
        case moveProject = "move-project"
        case download
        case deploy
        case push

        public var title: String {
            switch self {
            case .apply: "Apply"
            case .newApplication: "New Application"
            case .verifyDomain: "Verify Domain Name"
            case .changeVerificationMethod: "Change Verification Method"
            case .verifyOrganization: "Verify Organization"
            case .withdraw: "Withdraw Application"
            case .withdrawDomainAddition: "Withdraw Domain Addition"
            case .reissue: "Reissue"
            case .confirmOperation: "Confirm Operation"
            case .addDomains: "Add Additional Domain Name"
            case .renew: "Renew"
            case .autoRenew: "Auto-renewal"
            case .revoke: "Revoke"
            case .delete: "Delete"
            case .unsubscribe: "Unsubscribe"
            case .cancelPrivacy: "Cancel Privacy Authorization"
            case .rename: "Rename"
            case .moveProject: "Add to Project"
            case .download: "Download"
            case .deploy: "Deploy"
            case .push: "Push"
            }
        }
    }

    /// Where a request comes from; one rule differs by channel: a free ISSUED certificate can be
    /// deleted through the API only (RULES.md §3).
    public enum Channel: Sendable { case console, api }

    /// Unsubscribe is allowed while `now - paidAt <= refundWindow`: exactly 7 × 24 h after payment is
    /// still inside, one second later is not (RULES.md §3).
    public static let refundWindow: TimeInterval = .days(7)
    /// Renew is allowed while `notAfter - renewWindow <= now <= notAfter`: the window opens exactly
    /// 30 days before expiry and closes when the certificate expires (RULES.md §3). The same span
    /// is the "Expire soon" mark (RULES.md §2).
    public static let renewWindow: TimeInterval = .days(30)
    /// Revoke is refused while `notAfter - now <= revokeBanBeforeExpiry`: at exactly 30 days before
    /// expiry it is already refused, one second earlier it is allowed. Renew and revoke are
    /// therefore never both refused for time reasons on an ISSUED certificate (RULES.md §3).
    public static let revokeBanBeforeExpiry: TimeInterval = .days(30)
}

/// Every guard of RULES.md §3, in one place. `now` comes from the caller's `Clock`.
///
/// Throws the refusal that names the broken rule; returns when the operation is allowed. An
/// uploaded certificate is refused as such first (for the operations only bought certificates
/// have), then the status is checked, then the kind of certificate (free, domain type), then the
/// time windows, so a user always reads the most fundamental reason.
///
/// Time windows (all boundaries in whole seconds, `now` compared with stored dates):
/// - Unsubscribe: allowed while `now - paidAt <= 7 × 24 h` (inclusive).
/// - Reissue: allowed while `now - issuedAt <= 25 days` (5 days for GlobalSign), inclusive;
///   `issuedAt` is the first issuance, which a reissue does not move, so the count of reissues
///   inside the window is unlimited but the window itself never restarts.
/// - Renew: allowed while `notAfter - 30 days <= now <= notAfter` (both ends inclusive; a
///   certificate is valid through its `notAfter`, RFC 5280 §4.1.2.5).
/// - Revoke: refused while `notAfter - now <= 30 days` (inclusive), and so also after expiry.
///
/// `channel` matters for one rule only: a free ISSUED certificate can be deleted through the
/// API but not from the console.
public func check(
    _ operation: Certificate.Operation, on certificate: Certificate, now: Date, channel: Certificate.Channel = .console
) throws(Refusal) {
    let c = certificate
    func require(_ statuses: Set<Certificate.Status>, _ what: String) throws(Refusal) {
        guard statuses.contains(c.status) else {
            let allowed = Certificate.Status.allCases.filter(statuses.contains).map { "\"\($0.label)\"" }
            throw Refusal(
                .wrongStatus,
                "\(what) is not possible while the certificate is \"\(c.statusLabel)\"; it is allowed only when the certificate is \(allowed.joined(separator: " or "))."
            )
        }
    }
    func requirePurchased(_ what: String) throws(Refusal) {
        if c.isUploaded {
            throw Refusal(
                .uploadedCertificate,
                "\(what) is not possible for an uploaded certificate: only certificates bought here can be.")
        }
    }

    switch operation {
    case .apply:
        try require([.paid], "Applying")
    case .newApplication:
        try require([.unpassed], "A new application")
    case .verifyDomain:
        try require([.checking], "Domain name verification")
    case .changeVerificationMethod:
        try require([.checking], "Changing the verification method")
    case .verifyOrganization:
        try require([.checkingOrg], "Organization verification")
    case .withdraw:
        try require([.checking, .checkingOrg], "Withdrawing the application")
    case .withdrawDomainAddition:
        try require([.supplementChecking], "Withdrawing the domain addition")
    case .reissue:
        try requirePurchased("Reissue")
        try require([.issued], "Reissue")
        guard c.domainType != .multiple else {
            throw Refusal(
                .notSingleOrWildcard,
                "Reissue is possible only for single-domain and wildcard certificates, not for multiple domains.")
        }
        guard !c.isFree else {
            throw Refusal(.freeCertificate, "A free certificate cannot be reissued; buy a paid certificate to reissue.")
        }
        let window = c.brand.reissueWindow
        let days = Int(window / .day)
        guard let issuedAt = c.issuedAt ?? c.notBefore else {
            throw Refusal(
                .reissueWindowClosed,
                "Reissue is possible only within \(days) days of issuance, and this certificate has no issuance date.")
        }
        guard now.timeIntervalSince(issuedAt) <= window else {
            throw Refusal(
                .reissueWindowClosed,
                "\(c.brand.displayName) certificates can be reissued only within \(days) days of issuance; this one was issued on \(utcDay(issuedAt)) and the window closed on \(utcDay(issuedAt + window))."
            )
        }
    case .confirmOperation:
        // "Confirm Operation" in the list is the reissue's cancellation mail (RULES.md §3); the
        // OV/EV revocation mail is confirmed from the applicant's mailbox, not from the list.
        guard c.status == .reissuing, c.awaitingConfirmation == .reissueCancellation else {
            throw Refusal(
                .wrongStatus,
                "Confirm Operation is possible only while a reissue waits for the confirmation of the old certificate's cancellation (certificate is \"\(c.statusLabel)\")."
            )
        }
    case .addDomains:
        try requirePurchased("Adding a domain name")
        try require([.issued], "Adding a domain name")
        guard c.domainType == .multiple else {
            throw Refusal(.notMultiDomain, "Only multiple-domain certificates can take additional domain names.")
        }
        guard c.allDomains.count < c.domainQuota else {
            throw Refusal(
                .domainQuotaUsedUp,
                "All \(c.domainQuota) domain names bought for this certificate are already in use; no additional domain name can be added."
            )
        }
    case .renew:
        try requirePurchased("Renewal")
        try require([.issued], "Renewal")
        guard !c.isFree else {
            throw Refusal(.freeCertificate, "A free certificate cannot be renewed; only paid certificates can be.")
        }
        guard c.renewedBy == nil else {
            throw Refusal(
                .renewalAlreadyBought, "A renewal was already bought for this certificate; it cannot be renewed twice.")
        }
        guard let notAfter = c.notAfter else {
            throw Refusal(
                .renewWindowNotOpen,
                "Renewal is possible only within 30 days before expiry, and this certificate has no expiry date.")
        }
        guard now <= notAfter else {
            throw Refusal(
                .renewAfterExpiry,
                "The certificate expired on \(utcDay(notAfter)); renewal is possible only before expiry, so buy a new certificate instead."
            )
        }
        guard notAfter.timeIntervalSince(now) <= Certificate.renewWindow else {
            throw Refusal(
                .renewWindowNotOpen,
                "A certificate can be renewed only within 30 days before it expires; renewal opens on \(utcDay(notAfter - Certificate.renewWindow))."
            )
        }
    case .autoRenew:
        try requirePurchased("Auto-renewal")
        try require([.issued], "Auto-renewal")
        guard !c.isFree else {
            throw Refusal(
                .freeCertificate, "A free certificate cannot be renewed, so auto-renewal cannot be switched on.")
        }
    case .revoke:
        try requirePurchased("Revocation")
        try require([.issued], "Revocation")
        if let notAfter = c.notAfter, notAfter.timeIntervalSince(now) <= Certificate.revokeBanBeforeExpiry {
            throw Refusal(
                .revokeNearExpiry,
                "A certificate cannot be revoked within 30 days before it expires (it expires on \(utcDay(notAfter))).")
        }
    case .delete:
        switch c.origin {
        case .uploaded:
            try require([.upload, .expired], "Deleting an uploaded certificate")
        case .purchased where c.isFree:
            if c.status == .issued {
                if channel == .api { break }
                throw Refusal(
                    .consoleCannotDeleteIssuedFree,
                    "An issued free certificate cannot be deleted from the console; it can be deleted only through the API."
                )
            }
            try require([.paid, .revoked, .expired], "Deleting a free certificate")
        case .purchased:
            try require([.issued, .revoked, .expired], "Deleting a paid certificate")
        }
    case .unsubscribe:
        try requirePurchased("Unsubscribing")
        guard !c.isFree else {
            throw Refusal(
                .freeCertificate,
                "A free certificate cannot be unsubscribed: there is nothing to refund; delete it instead.")
        }
        try require([.paid, .revoked], "Unsubscribing")
        guard let paidAt = c.paidAt, now.timeIntervalSince(paidAt) <= Certificate.refundWindow else {
            let when = c.paidAt.map { " (paid on \(utcDay($0)))" } ?? ""
            throw Refusal(
                .refundWindowClosed,
                "A certificate can be unsubscribed only within 7 days (7 × 24 h) of payment\(when).")
        }
    case .cancelPrivacy:
        guard c.appliedAt != nil else {
            throw Refusal(
                .noApplication,
                "Privacy authorization can be cancelled only after an application; this certificate has none.")
        }
        guard !c.privacyCancelled else {
            throw Refusal(.privacyAlreadyCancelled, "Privacy authorization was already cancelled for this certificate.")
        }
        switch c.status {
        case .checking, .checkingOrg, .issuing, .supplementChecking:
            throw Refusal(
                .privacyReviewInProgress,
                "Privacy authorization cannot be cancelled while the CA is reviewing (\"\(c.statusLabel)\").")
        case .paid, .issued, .unpassed, .cancelChecking, .cancelSupplementing, .reissuing, .revoking, .revoked,
            .upload, .expired:
            break
        }
    case .rename, .moveProject:
        break
    case .download:
        try require([.issued, .expired, .supplementChecking, .upload], "Download")
    case .deploy, .push:
        try require([.issued, .upload], operation == .deploy ? "Deployment" : "Pushing")
        if c.csrSource == .uploaded {
            throw Refusal(
                .uploadedCSR,
                "This certificate was applied for with an uploaded CSR: its private key is not here, so it cannot be \(operation == .deploy ? "deployed" : "pushed")."
            )
        }
    }
}

/// The operations `check` allows right now: every button a page may show, including the ones
/// the list does not (rename, cancel privacy, …). Built on `check`, so a page and the server
/// cannot disagree.
public func allowedOperations(
    for certificate: Certificate, now: Date, channel: Certificate.Channel = .console
) -> Set<Certificate.Operation> {
    Set(
        Certificate.Operation.allCases.filter { operation in
            do throws(Refusal) {
                try check(operation, on: certificate, now: now, channel: channel)
                return true
            } catch { return false }
        })
}

/// The operations column of the certificate list (end of RULES.md §3), in the console's order:
/// `shown` beside the certificate, `more` under "More". Each is present only when `check` allows
/// it; an ISSUED certificate that expires soon shows Renew first.
public struct ListOperations: Sendable, Equatable {
    public var shown: [Certificate.Operation]
    public var more: [Certificate.Operation]
}

/// The list's operations column for one certificate (RULES.md §3, last paragraph).
public func listOperations(
    for certificate: Certificate, now: Date, channel: Certificate.Channel = .console
) -> ListOperations {
    let allowed = allowedOperations(for: certificate, now: now, channel: channel)
    let shownOrder: [Certificate.Operation] = [
        .renew, .apply, .newApplication, .verifyDomain, .verifyOrganization, .withdraw, .withdrawDomainAddition,
        .confirmOperation, .download, .deploy, .push, .revoke, .delete, .unsubscribe,
    ]
    let moreOrder: [Certificate.Operation] = [.reissue, .addDomains]
    return ListOperations(shown: shownOrder.filter(allowed.contains), more: moreOrder.filter(allowed.contains))
}

/// "2024-05-01", the UTC day of a date, for refusal messages.
func utcDay(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: date)
}

import Foundation

extension Certificate {
    /// The operations a user can ask for (RULES.md §3). The CA's own steps are `CAStep`s.
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

    public static let refundWindow: TimeInterval = .days(7)
    public static let renewWindow: TimeInterval = .days(30)
    public static let revokeBanBeforeExpiry: TimeInterval = .days(30)
}

/// Every guard of RULES.md §3, in one place. `now` comes from the caller's `Clock`.
///
/// Throws the refusal that names the broken rule; returns when the operation is allowed.
public func check(
    _ operation: Certificate.Operation, on certificate: Certificate, now: Date, channel: Certificate.Channel = .console
) throws(Refusal) {
    let c = certificate
    func require(_ statuses: Set<Certificate.Status>, _ what: String) throws(Refusal) {
        guard statuses.contains(c.status) else {
            let allowed = statuses.map(\.label).sorted().joined(separator: ", ")
            throw Refusal(
                .wrongStatus, "\(what) is not possible while the certificate is \"\(c.statusLabel)\" (allowed: \(allowed)).")
        }
    }
    func requirePurchased(_ what: String) throws(Refusal) {
        if c.isUploaded {
            throw Refusal(.uploadedCertificate, "\(what) is not possible for an uploaded certificate.")
        }
    }

    switch operation {
    case .apply:
        try require([.paid], "Applying")
    case .newApplication:
        try require([.unpassed], "A new application")
    case .verifyDomain, .changeVerificationMethod:
        try require([.checking], operation == .verifyDomain ? "Domain name verification" : "Changing the verification method")
    case .verifyOrganization:
        try require([.checkingOrg], "Organization verification")
    case .withdraw:
        try require([.checking, .checkingOrg], "Withdrawing the application")
    case .withdrawDomainAddition:
        try require([.supplementChecking], "Withdrawing the domain addition")
    case .reissue:
        try require([.issued], "Reissue")
        try requirePurchased("Reissue")
        guard c.domainType != .multiple else {
            throw Refusal(.notSingleOrWildcard, "Only single-domain and wildcard certificates can be reissued.")
        }
        guard !c.isFree else { throw Refusal(.freeCertificate, "A free certificate cannot be reissued.") }
        let window = c.brand.reissueWindow
        guard let issuedAt = c.issuedAt, now.timeIntervalSince(issuedAt) <= window else {
            throw Refusal(
                .reissueWindowClosed,
                "\(c.brand.displayName) certificates can be reissued only within \(Int(window / .day)) days of issuance.")
        }
    case .confirmOperation:
        guard c.status == .reissuing || c.status == .revoking, c.awaitingConfirmation != nil else {
            throw Refusal(.wrongStatus, "The CA is not waiting for a confirmation on this certificate.")
        }
    case .addDomains:
        try require([.issued], "Adding a domain name")
        try requirePurchased("Adding a domain name")
        guard c.domainType == .multiple else {
            throw Refusal(.notMultiDomain, "Only multiple-domain certificates can take additional domain names.")
        }
        guard c.allDomains.count < c.domainQuota else {
            throw Refusal(
                .domainQuotaUsedUp, "All \(c.domainQuota) domain names bought for this certificate are already in use.")
        }
    case .renew:
        try require([.issued], "Renewal")
        try requirePurchased("Renewal")
        guard !c.isFree else { throw Refusal(.freeCertificate, "A free certificate cannot be renewed.") }
        guard c.renewedBy == nil else {
            throw Refusal(.renewalAlreadyBought, "A renewal was already bought for this certificate.")
        }
        guard let notAfter = c.notAfter, notAfter.timeIntervalSince(now) <= Certificate.renewWindow else {
            throw Refusal(.renewWindowNotOpen, "A certificate can be renewed only within 30 days before it expires.")
        }
    case .autoRenew:
        try require([.issued], "Auto-renewal")
        try requirePurchased("Auto-renewal")
        guard !c.isFree else { throw Refusal(.freeCertificate, "A free certificate cannot be renewed.") }
    case .revoke:
        try require([.issued], "Revocation")
        try requirePurchased("Revocation")
        if let notAfter = c.notAfter, notAfter.timeIntervalSince(now) <= Certificate.revokeBanBeforeExpiry {
            throw Refusal(.revokeNearExpiry, "A certificate cannot be revoked within 30 days before it expires.")
        }
    case .delete:
        switch c.origin {
        case .uploaded:
            try require([.upload, .expired], "Deleting an uploaded certificate")
        case .purchased where c.isFree:
            if c.status == .issued && channel == .api { break }
            if c.status == .issued {
                throw Refusal(
                    .consoleCannotDeleteIssuedFree,
                    "An issued free certificate can be deleted only through the API.")
            }
            try require([.paid, .revoked, .expired], "Deleting a free certificate")
        case .purchased:
            try require([.issued, .revoked, .expired], "Deleting a paid certificate")
        }
    case .unsubscribe:
        try requirePurchased("Unsubscribing")
        guard !c.isFree else {
            throw Refusal(.freeCertificate, "A free certificate has nothing to refund; delete it instead.")
        }
        try require([.paid, .revoked], "Unsubscribing")
        guard let paidAt = c.paidAt, now.timeIntervalSince(paidAt) <= Certificate.refundWindow else {
            throw Refusal(.refundWindowClosed, "A certificate can be unsubscribed only within 7 days (7 × 24 h) of payment.")
        }
    case .cancelPrivacy:
        guard c.appliedAt != nil else {
            throw Refusal(.noApplication, "There is no application whose privacy data could be deleted.")
        }
        guard !c.privacyCancelled else {
            throw Refusal(.privacyAlreadyCancelled, "Privacy authorization was already cancelled for this certificate.")
        }
        let reviewing: Set<Certificate.Status> = [.checking, .checkingOrg, .issuing, .supplementChecking]
        if reviewing.contains(c.status) {
            throw Refusal(
                .privacyReviewInProgress,
                "Privacy authorization cannot be cancelled while the CA is reviewing (\"\(c.statusLabel)\").")
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
                "This certificate was applied for with an uploaded CSR: its private key is not here, so it cannot be \(operation == .deploy ? "deployed" : "pushed").")
        }
    }
}

/// The operations `check` allows right now; pages show exactly these buttons.
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

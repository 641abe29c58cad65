import Foundation

extension Certificate {
    /// Every status of RULES.md §2. Raw values are the SCM v3 API codes.
    public enum Status: String, CaseIterable, Sendable, Codable {
        case paid = "PAID"
        case checking = "CHECKING"
        case checkingOrg = "CHECKING_ORG"
        case issuing = "ISSUING"
        case issued = "ISSUED"
        case unpassed = "UNPASSED"
        case cancelChecking = "CANCELCHECKING"
        case supplementChecking = "SUPPLEMENTCHECKING"
        case cancelSupplementing = "CANCELSUPPLEMENTING"
        case reissuing = "REISSUING"
        case revoking = "REVOKING"
        case revoked = "REVOKED"
        case upload = "UPLOAD"
        case expired = "EXPIRED"

        /// The console label (RULES.md §2).
        public var label: String {
            switch self {
            case .paid: "Pending application"
            case .checking: "Pending domain name verification"
            case .checkingOrg: "Pending organization verification"
            case .issuing: "To be issued"
            case .issued: "Issued"
            case .unpassed: "Approval failed"
            case .cancelChecking: "CA verifying (application withdrawal)"
            case .supplementChecking, .cancelSupplementing: "CA verifying (domain name addition)"
            case .reissuing: "CA verifying (reissue)"
            case .revoking: "CA verifying (revocation)"
            case .revoked: "Revoked"
            case .upload: "Hosted"
            case .expired: "Expired"
            }
        }

        /// Application progress in percent, for the statuses that have one (RULES.md §2).
        public var progress: Int? {
            switch self {
            case .paid: 0
            case .checking: 40
            case .checkingOrg: 70
            case .issuing: 90
            case .issued: 100
            case .unpassed, .cancelChecking, .supplementChecking, .cancelSupplementing, .reissuing, .revoking,
                .revoked, .upload, .expired:
                nil
            }
        }

        /// A coarse tone for the status badge: pending, good, bad or neutral.
        public var tone: String {
            switch self {
            case .issued, .upload: "good"
            case .unpassed, .revoked, .expired: "bad"
            case .paid: "neutral"
            case .checking, .checkingOrg, .issuing, .cancelChecking, .supplementChecking, .cancelSupplementing,
                .reissuing, .revoking:
                "pending"
            }
        }
    }

    /// "Expire soon" is a mark, not a status: ISSUED or UPLOAD within 30 days of expiry (RULES.md §2).
    ///
    /// True while `notAfter - 30 days <= now <= notAfter`, the same span as the renew window, so
    /// "Renew" appears exactly when the mark does.
    public func expiresSoon(now: Date) -> Bool {
        guard status == .issued || status == .upload, let notAfter else { return false }
        return now <= notAfter && notAfter.timeIntervalSince(now) <= Certificate.renewWindow
    }

    /// An ISSUED or UPLOAD certificate past its expiry becomes EXPIRED (RULES.md §6). A certificate
    /// is valid through its `notAfter` (RFC 5280), so this is true once `now > notAfter`.
    public func isPastExpiry(now: Date) -> Bool {
        guard status == .issued || status == .upload, let notAfter else { return false }
        return now > notAfter
    }

    /// The status label with what it waits for, e.g. the revocation mail (RULES.md §2).
    public var statusLabel: String {
        switch status {
        case .revoking where awaitingConfirmation == .revocation:
            "CA verifying revocation (pending domain name verification)"
        case .cancelSupplementing:
            "CA verifying (domain name addition), withdrawal requested"
        default:
            status.label
        }
    }
}

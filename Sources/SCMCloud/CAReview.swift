import Foundation
import SCMCore
import SCMStore

/// The CA simulator's decision for one certificate in review (RULES.md §3, §5): it looks at the
/// proofs in the DNS, web-root and mailbox simulators at `now` and says what happens next. It
/// decides; `CAService` carries the decision out.
public enum CAStep: Sendable, Equatable {
    /// Nothing to do yet; `holdReason` says what the CA waits for, when something blocks it.
    case wait(holdReason: String?, newlyVerified: [String])
    /// Every domain proven: DV → ISSUING; OV/EV → CHECKING_ORG (or ISSUING when the
    /// organization may be reused), with the review due at `reviewDue`.
    case domainsVerified(newlyVerified: [String], next: Certificate.Status, reviewDue: Date)
    /// The organization mail was answered → ISSUING.
    case organizationVerified(reviewDue: Date)
    /// ISSUING and the review time has passed: sign.
    case issue
    /// CHECKING, CHECKING_ORG, ISSUING or REISSUING → UNPASSED with the reason.
    case fail(reason: String)
    /// CANCELCHECKING → PAID, the application kept for a new one.
    case withdrawalDone
    /// CANCELSUPPLEMENTING → ISSUED with the old domain set.
    case additionWithdrawn
    /// SUPPLEMENTCHECKING past the verification deadline → ISSUED with the old domain set, the
    /// notice saying why.
    case additionRefused(reason: String)
    /// SUPPLEMENTCHECKING or REISSUING with every new proof in place (a reissue also needs the
    /// old certificate's cancellation confirmed): a new certificate with the same expiry.
    case replace(newlyVerified: [String])
    /// REVOKING with nothing to wait for (DV, or the revocation mail answered) → REVOKED.
    case revoke
}

public struct CAReview {
    let store: StoreReader
    let now: Date
    let reviewScale: Double

    /// Verification must be complete this long after applying (RULES.md §3 decision).
    public static let verificationDeadline: TimeInterval = .days(30)
    /// Manual review (RULES.md §5 words) takes this many times longer.
    public static let manualReviewFactor = 3.0
    public static let manualReviewWords = ["bank", "pay", "live"]

    public init(store: StoreReader, now: Date, reviewScale: Double) {
        self.store = store
        self.now = now
        self.reviewScale = reviewScale
    }

    public func step(for certificate: Certificate) throws -> CAStep {
        switch certificate.status {
        case .checking: return try reviewDomains(certificate)
        case .checkingOrg:
            if try store.answeredMail(certificateID: certificate.id, action: .verifyOrganization) != nil {
                return .organizationVerified(reviewDue: now + reviewTime(for: certificate))
            }
            if let failure = deadlineFailure(
                certificate, since: certificate.appliedAt, waitingFor: "organization verification")
            {
                return failure
            }
            return .wait(holdReason: nil, newlyVerified: [])
        case .issuing:
            if let due = certificate.reviewDueAt, due > now { return .wait(holdReason: nil, newlyVerified: []) }
            return .issue
        case .cancelChecking: return .withdrawalDone
        case .cancelSupplementing: return .additionWithdrawn
        case .supplementChecking, .reissuing: return try reviewReplacement(certificate)
        case .revoking:
            return certificate.awaitingConfirmation == nil ? .revoke : .wait(holdReason: nil, newlyVerified: [])
        case .paid, .issued, .unpassed, .revoked, .upload, .expired:
            return .wait(holdReason: nil, newlyVerified: [])
        }
    }

    /// Added domains or a reissue's new domain: held by CAA and proven as in §5, within 30 days
    /// of the request; a reissue also waits for the answer to the cancellation mail (RULES.md §3),
    /// within the same 30 days.
    func reviewReplacement(_ certificate: Certificate) throws -> CAStep {
        let resolver = DNSResolver(store: store, now: now)
        let addition =
            certificate.status == .supplementChecking ? try store.domainAddition(certificateID: certificate.id) : nil
        // A reissue sets `appliedAt` to its own request; an addition keeps the original one.
        let requestedAt = addition?.requestedAt ?? certificate.appliedAt
        // The CA signs every name of the new certificate, so every one must pass CAA.
        if let held = try caaStep(
            on: certificate.allDomains + (addition?.domains ?? []), for: certificate, since: requestedAt, resolver: resolver)
        {
            return held
        }
        var newlyVerified: [String] = []
        var pending = false
        for validation in try store.validations(certificateID: certificate.id) where validation.verifiedAt == nil {
            if try isProven(validation, certificate: certificate, resolver: resolver) {
                newlyVerified.append(validation.domain)
            } else {
                pending = true
            }
        }
        if pending,
            let failure = deadlineFailure(certificate, since: requestedAt, waitingFor: "domain name verification")
        {
            return failure
        }
        if certificate.awaitingConfirmation == .reissueCancellation {
            // The same 30 days as the proofs: an unanswered confirmation fails the reissue
            // (UNPASSED, as a failed proof does) rather than holding it for ever. It cannot
            // fall back to ISSUED: the reissue already replaced the CSR and key, so the old
            // certificate no longer matches the key the manager holds.
            let confirmation = "confirmation of the old certificate's cancellation (Confirm Operation)"
            if let failure = deadlineFailure(certificate, since: requestedAt, waitingFor: confirmation) { return failure }
            return .wait(
                holdReason: "Waiting for the confirmation of the old certificate's cancellation (Confirm Operation).",
                newlyVerified: newlyVerified)
        }
        return pending ? .wait(holdReason: nil, newlyVerified: newlyVerified) : .replace(newlyVerified: newlyVerified)
    }

    /// The review time of §1, scaled, longer for manual-review words.
    public func reviewTime(for certificate: Certificate) -> TimeInterval {
        let manual = certificate.allDomains.contains(where: Self.needsManualReview)
        return certificate.type.nominalReviewTime * reviewScale * (manual ? Self.manualReviewFactor : 1)
    }

    /// Whether `domain` goes to manual review (RULES.md §5): one of `manualReviewWords` is a whole
    /// label or a whole hyphen-separated part of one (`bank.example.com`, `my-bank.example.com`,
    /// `pay-now.example.com`). Inside a longer word it does not count (`olive`, `delivery`,
    /// `banking`), so ordinary names are not slowed down by the letters they happen to contain.
    public static func needsManualReview(_ domain: String) -> Bool {
        domain.lowercased().split(separator: ".").contains { label in
            label.split(separator: "-").contains { manualReviewWords.contains(String($0)) }
        }
    }

    func reviewDomains(_ certificate: Certificate) throws -> CAStep {
        if certificate.domain.trimmingCharacters(in: .whitespaces).isEmpty {
            return .fail(reason: "The main domain name is blank.")
        }
        if certificate.type.family == .dv, let special = certificate.allDomains.first(where: DomainName.isSpecialTLD) {
            return .fail(
                reason: "DV certificates cannot be issued for \(special): edu, gov and edu.cn names need OV or EV.")
        }
        let resolver = DNSResolver(store: store, now: now)
        if let held = try caaStep(on: certificate.allDomains, for: certificate, since: certificate.appliedAt, resolver: resolver) {
            return held
        }
        var newlyVerified: [String] = []
        var pending: [String] = []
        for validation in try store.validations(certificateID: certificate.id) where validation.verifiedAt == nil {
            if try isProven(validation, certificate: certificate, resolver: resolver) {
                newlyVerified.append(validation.domain)
            } else {
                pending.append(validation.domain)
            }
        }
        guard pending.isEmpty else {
            return deadlineFailure(certificate, since: certificate.appliedAt, waitingFor: "domain name verification")
                ?? .wait(holdReason: nil, newlyVerified: newlyVerified)
        }
        let due = now + reviewTime(for: certificate)
        if certificate.type.verifiesOrganization, try !mayReuseOrganization(certificate) {
            return .domainsVerified(newlyVerified: newlyVerified, next: .checkingOrg, reviewDue: due)
        }
        return .domainsVerified(newlyVerified: newlyVerified, next: .issuing, reviewDue: due)
    }

    func isProven(_ validation: DomainValidation, certificate: Certificate, resolver: DNSResolver) throws -> Bool {
        switch validation.method {
        case .dns:
            let host = validation.dnsHost(domainType: certificate.domainType)
            return try resolver.values(host, .txt).contains { validation.isProven(byDNSValue: $0, type: .txt) }
                || resolver.values(host, .cname).contains { validation.isProven(byDNSValue: $0, type: .cname) }
        case .file:
            let host = domainVerificationName(for: validation.domain, domainType: certificate.domainType)
            let file = try store.webrootFile(domain: host, path: DomainValidation.filePath)
            return file?.content.trimmingCharacters(in: .whitespacesAndNewlines) == validation.token
        case .email:
            // Proven when the confirmation link was followed (the mailbox marks it verified).
            return false
        }
    }

    /// OV or OV Pro from DigiCert or GeoTrust, bought again by the same user within 13 months
    /// with the same organization information (name, unit, country, province, city): skip
    /// organization verification (RULES.md §5).
    func mayReuseOrganization(_ certificate: Certificate) throws -> Bool {
        guard certificate.type.family == .ov, certificate.brand.reusesOrganizationVerification,
            let application = try store.application(certificateID: certificate.id)
        else { return false }
        return try store.organizationVerifiedRecently(
            application, sameOwnerAs: certificate.id, brands: CABrand.allCases.filter(\.reusesOrganizationVerification),
            since: Self.organizationReuseStart(before: now))
    }

    /// The earliest organization verification still reused at `now`: 13 calendar months before
    /// (Gregorian, UTC), so the window follows the calendar rather than a fixed day count.
    public static func organizationReuseStart(before now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .month, value: -13, to: now) ?? now - .days(396)
    }

    /// CAA (RULES.md §5): when a record on one of `names` (or its closest parent that has one)
    /// does not name this CA, the certificate waits with the reason shown, and fails once the
    /// request made at `start` is 30 days old; nil when CAA lets the review go on. IP addresses
    /// have no CAA.
    func caaStep(on names: [String], for certificate: Certificate, since start: Date?, resolver: DNSResolver) throws
        -> CAStep?
    {
        for domain in names where !DomainName.isIPv4(domain) {
            if let caa = try resolver.caa(for: domain),
                !DNSResolver.caaPermits(caa.values, brand: certificate.brand, wildcard: domain.hasPrefix("*."))
            {
                let reason =
                    "A CAA record on \(caa.name) (\(caa.values.joined(separator: ", "))) does not authorize \(certificate.brand.displayName) (\(certificate.brand.caaIssuer)) to issue for \(domain)."
                return deadlineFailure(certificate, since: start, waitingFor: "the CAA record", reason: reason)
                    ?? .wait(holdReason: reason, newlyVerified: [])
            }
        }
        return nil
    }

    /// The failure once `what` is still not done 30 days after `start` (RULES.md §3 decision).
    func deadlineFailure(_ certificate: Certificate, since start: Date?, waitingFor what: String, reason: String? = nil)
        -> CAStep?
    {
        guard let start, now.timeIntervalSince(start) > Self.verificationDeadline else { return nil }
        return Self.failure(
            of: certificate,
            reason: (reason.map { $0 + " " } ?? "") + "The \(what) was not completed within 30 days of applying.")
    }

    /// A failed review: a domain addition returns to the issued certificate with its old names;
    /// anything else goes to UNPASSED.
    public static func failure(of certificate: Certificate, reason: String) -> CAStep {
        certificate.status == .supplementChecking ? .additionRefused(reason: reason) : .fail(reason: reason)
    }
}

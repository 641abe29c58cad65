import Foundation
import Testing

@testable import SCMCore

/// The fixed "now" of every core test: 2024-06-15 12:00:00 UTC.
let now = utc("2024-06-15T12:00:00Z")

func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = text.count == 10 ? [.withFullDate] : [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { preconditionFailure("bad date \(text)") }
    return date
}

/// A paid DigiCert OV single-domain certificate in `status`, as it would really be:
/// paid 2 days before `now`; for statuses past PAID, applied 2 days ago and (when issued) issued
/// 1 day ago, expiring a year later. UPLOAD is an uploaded certificate (no payment, no application).
func certificate(
    _ status: Certificate.Status, brand: CABrand = .digiCert, type: CertificateType = .ov,
    domainType: DomainType = .single, quota: Int? = nil, price: Decimal = 3_200
) -> Certificate {
    let uploaded = status == .upload
    var c = Certificate(
        id: "scs1718000000000", name: "scm-a1b2c3", brand: brand, type: type, domainType: domainType,
        domainQuota: quota ?? (domainType == .multiple ? 5 : 1), status: status,
        origin: uploaded ? .uploaded : .purchased, price: uploaded ? 0 : price, createdAt: now - .days(2))
    c.domain = domainType == .wildcard ? "*.example.com" : "www.example.com"
    if domainType == .multiple { c.sans = ["api.example.com"] }
    c.csrSource = uploaded ? nil : .system
    c.appliedAt = uploaded || status == .paid ? nil : now - .days(2) + 3_600
    switch status {
    case .issued, .supplementChecking, .cancelSupplementing, .reissuing, .revoking, .revoked, .upload, .expired:
        c.issuedAt = now - .days(1)
        c.notBefore = c.issuedAt
        c.notAfter = c.issuedAt.map { oneYear(after: $0) }
    case .paid, .checking, .checkingOrg, .issuing, .unpassed, .cancelChecking:
        break
    }
    if status == .reissuing { c.awaitingConfirmation = .reissueCancellation }
    if status == .revoking { c.awaitingConfirmation = .revocation }
    return c
}

/// A free certificate: DV (Basic), single domain, price 0 (RULES.md §1).
func freeCertificate(_ status: Certificate.Status) -> Certificate {
    var c = certificate(status, brand: .trustAsia, type: .dvBasic, price: 0)
    if status == .upload { c.origin = .uploaded }
    return c
}

/// An uploaded certificate in `status` (UPLOAD or, once past its expiry, EXPIRED).
func uploadedCertificate(_ status: Certificate.Status) -> Certificate {
    var c = certificate(status)
    c.origin = .uploaded
    c.price = 0
    c.paidAt = nil
    c.appliedAt = nil
    c.csrSource = nil
    return c
}

/// The refusal `body` throws, or nil when it does not throw.
func refusal(_ body: () throws(Refusal) -> Void) -> Refusal? {
    do throws(Refusal) {
        try body()
        return nil
    } catch {
        return error
    }
}

/// The refusal `check` throws, or nil when the operation is allowed.
func refusal(
    _ operation: Certificate.Operation, _ c: Certificate, at time: Date = now,
    channel: Certificate.Channel = .console
) -> Refusal? {
    refusal { () throws(Refusal) in try check(operation, on: c, now: time, channel: channel) }
}

/// The refusal list `body` throws, or nil.
func refusals<T>(_ body: () throws(RefusalList) -> T) -> RefusalList? {
    do throws(RefusalList) {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

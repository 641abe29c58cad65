import Foundation

/// Whether `renewal` inherits the remaining validity of `original` (RULES.md §6): same CA, type,
/// domain type, domain quantity and primary domain (compared in normalized form). Any
/// difference means a plain one-year certificate.
public func renewalInherits(from original: Certificate, to renewal: Certificate) -> Bool {
    original.brand == renewal.brand && original.type == renewal.type && original.domainType == renewal.domainType
        && original.domainQuota == renewal.domainQuota && !original.domain.isEmpty
        && sameName(original.domain, renewal.domain)
}

/// The `notAfter` of a certificate issued at `issuedAt` (RULES.md §1, §6).
///
/// A plain certificate is valid one calendar year (Gregorian, UTC) from issuance. A renewal that
/// `inherits` expires one calendar year after the ORIGINAL's expiry, so the days left on the
/// original are not lost: original expires 2022-11-30, renewal issued 2022-11-25 → 2023-11-30.
/// Never earlier than the plain year (an original that had already expired leaves nothing to
/// inherit) and never later than 398 days after issuance, the CA/Browser Forum maximum.
/// 29 February plus one year is 28 February.
public func renewalNotAfter(originalNotAfter: Date?, inherits: Bool, issuedAt: Date) -> Date {
    let plain = oneYear(after: issuedAt)
    guard inherits, let originalNotAfter else { return plain }
    let inherited = oneYear(after: originalNotAfter)
    return min(max(plain, inherited), issuedAt + .days(398))
}

/// One Gregorian calendar year later, in UTC.
func oneYear(after date: Date) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(byAdding: .year, value: 1, to: date) ?? date + .days(365)
}

private func sameName(_ a: String, _ b: String) -> Bool {
    let a2 = (try? DomainName.normalize(a, allowWildcard: true)) ?? a.lowercased()
    let b2 = (try? DomainName.normalize(b, allowWildcard: true)) ?? b.lowercased()
    return a2 == b2
}

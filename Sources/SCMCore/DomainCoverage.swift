import Foundation

/// The name whose ownership proves `domain` (RULES.md §5): a wildcard uses its parent
/// (`*.example.com` → `example.com`); a single-domain certificate's name beginning with `www.`
/// uses its parent (`www.example.com` → `example.com`) when that parent still has two labels;
/// anything else, including a `www.` entry of a multiple-domain certificate, is proven as itself.
/// Every entry of a multiple-domain certificate is proven separately.
public func domainVerificationName(for domain: String, domainType: DomainType) -> String {
    let name = comparable(domain)
    if name.hasPrefix("*.") { return String(name.dropFirst(2)) }
    if domainType == .single, name.hasPrefix("www.") {
        let parent = String(name.dropFirst(4))
        if parent.contains(".") { return parent }
    }
    return name
}

/// The DNS host of the verification record: `_dnsauth.` + `domainVerificationName` (RULES.md §5).
public func domainVerificationHost(for domain: String, domainType: DomainType) -> String {
    "_dnsauth." + domainVerificationName(for: domain, domainType: domainType)
}

/// Whether certificate name `pattern` covers host `name` (RULES.md §4): a wildcard `*.example.com`
/// covers exactly one more label (`a.example.com`), not `a.a.example.com` nor `example.com`; any
/// other pattern covers only itself. Case-insensitive; a trailing dot is ignored; Unicode names
/// are compared in their Punycode form.
public func wildcardCovers(_ pattern: String, _ name: String) -> Bool {
    let pattern = comparable(pattern)
    let name = comparable(name)
    guard !name.isEmpty else { return false }
    if pattern == name { return true }
    guard pattern.hasPrefix("*."), !name.contains("*") else { return false }
    let suffix = pattern.dropFirst(1)  // ".example.com"
    guard name.hasSuffix(suffix) else { return false }
    let first = name.dropLast(suffix.count)
    return !first.isEmpty && !first.contains(".")
}

/// Whether a certificate holding `domains` covers host `name` (exactly or through a wildcard).
public func certificateCovers(domains: [String], name: String) -> Bool {
    domains.contains { wildcardCovers($0, name) }
}

/// The stored form of a name for comparison: normalized when it is a valid name, otherwise
/// trimmed and lowercased, without a trailing dot.
private func comparable(_ name: String) -> String {
    if let normalized = try? DomainName.normalize(name, allowWildcard: true) { return normalized }
    var name = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if name.hasSuffix(".") { name.removeLast() }
    return name
}

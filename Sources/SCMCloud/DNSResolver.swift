import Foundation
import SCMCore
import SCMStore

/// What the CA sees when it looks a name up in the DNS simulator: only record sets whose TTL
/// has passed since they were saved (RULES.md §5).
public struct DNSResolver {
    let store: StoreReader
    let now: Date

    public init(store: StoreReader, now: Date) {
        self.store = store
        self.now = now
    }

    public func values(_ name: String, _ type: DNSRecordSet.RecordType) throws -> [String] {
        guard let set = try store.dnsRecordSet(name: name, type: type), set.isVisible(at: now) else { return [] }
        return type == .txt ? set.unquotedValues : set.values
    }

    /// The CAA record set on the domain or its closest parent that has one (RFC 8659 climbing).
    /// Values are like `0 issue "digicert.com"`.
    public func caa(for domain: String) throws -> (name: String, values: [String])? {
        var labels = domain.hasPrefix("*.") ? Array(domain.dropFirst(2).split(separator: ".")) : domain.split(separator: ".")
        while labels.count >= 1 {
            let name = labels.joined(separator: ".")
            let values = try values(name, .caa)
            if !values.isEmpty { return (name, values) }
            labels.removeFirst()
        }
        return nil
    }

    /// Whether a CAA set lets `brand` issue: an `issue` (or `issuewild` for wildcards) tag naming it.
    public static func caaPermits(_ values: [String], brand: CABrand, wildcard: Bool) -> Bool {
        let tags = values.compactMap { value -> (tag: String, issuer: String)? in
            let parts = value.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { return nil }
            let issuer = parts[2].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: ";").first
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            return (parts[1].lowercased(), issuer)
        }
        let wild = tags.filter { $0.tag == "issuewild" }
        let relevant = wildcard && !wild.isEmpty ? wild : tags.filter { $0.tag == "issue" }
        if relevant.isEmpty { return true }  // only iodef or other tags: no restriction
        return relevant.contains { $0.issuer == brand.caaIssuer }
    }
}

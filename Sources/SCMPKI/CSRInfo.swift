public import SCMCore

/// What SCM reads from a certificate signing request (RULES.md §4: "domain names are read from
/// the CSR"). Only returned for a CSR whose self-signature verified.
public struct CSRInfo: Sendable, Equatable {
    /// The subject's (last) common name; empty when the CSR has none.
    public let commonName: String
    /// DNS names and IP addresses of the requested subjectAltName extension, in order.
    public let subjectAlternativeNames: [String]
    /// "RSA 2048", "EC P-256", …
    public let keyDescription: String
    /// The key as a catalogue algorithm, nil when outside the catalogue.
    public let keyAlgorithm: KeyAlgorithm?
    public let organization: String?
    /// Two-letter country code.
    public let country: String?
    public let province: String?
    public let city: String?
    /// The whole subject on one line, RFC 2253 style (it may hold fields the CA will not copy).
    public let subject: String

    /// The common name (if any) followed by the SANs, without repeats: the domains the CSR asks for.
    public var domainNames: [String] {
        var result: [String] = commonName.isEmpty ? [] : [commonName]
        for name in subjectAlternativeNames where !result.contains(name) { result.append(name) }
        return result
    }
}

extension CSRInfo {
    /// The CSR's key as a catalogue algorithm (RULES.md §1); a key outside the catalogue (RSA
    /// 1024, P-521, Ed25519…) is refused for `field`, since the CA would never sign it.
    public func catalogueKey(field: String) throws(Refusal) -> KeyAlgorithm {
        guard let keyAlgorithm else {
            throw .invalid(field, "CSR: its key is \(keyDescription); use RSA 2048/3072/4096 or EC P-256/P-384.")
        }
        return keyAlgorithm
    }
}

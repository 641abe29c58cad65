internal import COpenSSL

/// The digest a signature is made with.
public enum SignatureHash: String, Sendable, CaseIterable {
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"

    var digest: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        }
    }

    /// The customary hash for a key: SHA-384 for EC P-384, SHA-256 otherwise.
    static func `default`(for key: OpaquePointer) -> SignatureHash {
        PublicKeyDescription(key).algorithm == .ecP384 ? .sha384 : .sha256
    }
}

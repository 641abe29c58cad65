internal import COpenSSL
internal import SCMCore

/// How a key (private or public half) is named to people and mapped to the catalogue.
struct PublicKeyDescription {
    /// "RSA 2048", "EC P-256", "EC secp521r1", "ED25519 256", …
    let text: String
    let algorithm: KeyAlgorithm?
    let isRSA: Bool
    let isEC: Bool
    let bits: Int

    init(_ key: OpaquePointer) {
        let baseID = EVP_PKEY_get_base_id(key)
        bits = Int(EVP_PKEY_get_bits(key))
        isRSA = baseID == EVP_PKEY_RSA
        isEC = baseID == EVP_PKEY_EC
        if isRSA {
            let name = "RSA \(bits)"
            text = name
            algorithm = [KeyAlgorithm.rsa2048, .rsa3072, .rsa4096].first { $0.displayName == name }
        } else if isEC {
            var buffer = [CChar](repeating: 0, count: 80)
            var length = 0
            let curve =
                EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1
                ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            switch curve {
            case "prime256v1", "P-256":
                text = "EC P-256"
                algorithm = .ecP256
            case "secp384r1", "P-384":
                text = "EC P-384"
                algorithm = .ecP384
            case "secp521r1", "P-521":
                text = "EC P-521"
                algorithm = nil
            default:
                text = "EC \(curve)"
                algorithm = nil
            }
        } else {
            let name = OBJ_nid2sn(baseID).map { String(cString: $0) } ?? "unknown"
            text = "\(name) \(bits)"
            algorithm = nil
        }
        OpenSSLErrorQueue.clear()
    }
}

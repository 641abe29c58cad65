internal import COpenSSL

/// Hashes and MACs for the web layer: AK/SK request signatures (SDK-HMAC-SHA256), token digests.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &output, &length, EVP_sha256(), nil) }
        guard ok == 1, length == 32 else { preconditionFailure("OpenSSL SHA-256 failed: \(OpenSSLErrorQueue.drain())") }
        return output
    }

    /// SHA-256 of `bytes` in lowercase hex.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.lower(sha256(bytes)) }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length = 0
        // Copies with one spare byte so that empty inputs still have an address to pass.
        let keyBytes = key + [0]
        let messageBytes = message + [0]
        let result = EVP_Q_mac(
            nil, "HMAC", nil, "SHA256", nil, keyBytes, key.count, messageBytes, message.count, &output, 32,
            &length)
        guard result != nil, length == 32 else { preconditionFailure("OpenSSL HMAC failed: \(OpenSSLErrorQueue.drain())") }
        return output
    }

    /// HMAC-SHA256 of `message` under `key`, in lowercase hex.
    public static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        Hex.lower(hmacSHA256(key: key, message: message))
    }

    /// Equality whose time does not depend on where the bytes differ (only on the length, which
    /// is not secret): for comparing MACs, tokens and hashes.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}

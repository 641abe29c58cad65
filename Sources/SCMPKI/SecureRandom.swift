internal import COpenSSL
internal import Foundation

/// Cryptographically secure random bytes from OpenSSL's DRBG (per-thread, seeded by the OS).
public enum SecureRandom {
    /// `count` random bytes. If the generator fails (no entropy source) this traps: carrying on
    /// with predictable keys, nonces or tokens would be worse than stopping.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        guard RAND_bytes(&bytes, Int32(count)) == 1 else {
            preconditionFailure("OpenSSL RAND_bytes failed: \(OpenSSLErrorQueue.drain())")
        }
        return bytes
    }

    /// `byteCount` random bytes as lowercase hex (twice as many characters).
    public static func hex(_ byteCount: Int) -> String { Hex.lower(bytes(byteCount)) }

    /// 32 random bytes as URL-safe base64 without padding (43 characters): session ids, CSRF
    /// tokens, verification tokens.
    public static func token() -> String { Base64URL.encode(bytes(32)) }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

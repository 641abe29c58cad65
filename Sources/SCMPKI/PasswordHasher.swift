internal import COpenSSL
internal import Foundation

/// Login passwords, hashed with scrypt (DESIGN.md, Security).
///
/// Encoded as `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>`; new hashes use N = 2^14,
/// r = 8, p = 1, a 16-byte random salt and a 32-byte hash (about 16 MiB and tens of
/// milliseconds per call: run it off latency-sensitive paths).
public enum PasswordHasher {
    static let logN = 14
    static let r = 8
    static let p = 1
    /// The most working memory (128·r·N bytes) a stored hash may ask for: 64 MiB.
    static let maximumMemory = 64 << 20

    /// A fresh salted hash of the password's UTF-8 bytes.
    public static func hash(_ password: String) throws(PKIError) -> String {
        OpenSSLErrorQueue.clear()
        let salt = SecureRandom.bytes(16)
        let derived = try scrypt(Array(password.utf8), salt: salt, logN: logN, r: r, p: p, length: 32)
        return "scrypt$\(logN)$\(r)$\(p)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` hashes to `encoded`, compared in constant time. False for a malformed
    /// encoding or parameters outside sane bounds (which also keeps a forged row from making
    /// the server spend unbounded memory).
    public static func verify(_ password: String, against encoded: String) -> Bool {
        OpenSSLErrorQueue.clear()
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
            let logN = Int(parts[1]), (10...20).contains(logN),
            let r = Int(parts[2]), (1...32).contains(r),
            let p = Int(parts[3]), (1...16).contains(p),
            (128 * r) << logN <= maximumMemory,
            let salt = Data(base64Encoded: String(parts[4])), salt.count >= 8,
            let expected = Data(base64Encoded: String(parts[5])), (16...64).contains(expected.count),
            let derived = try? scrypt(Array(password.utf8), salt: [UInt8](salt), logN: logN, r: r, p: p, length: expected.count)
        else { return false }
        return Digest.constantTimeEquals(derived, [UInt8](expected))
    }

    private static func scrypt(_ password: [UInt8], salt: [UInt8], logN: Int, r: Int, p: Int, length: Int)
        throws(PKIError) -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: length)
        // 128·r·N bytes of working memory, plus headroom.
        let memory = UInt64(128 * r) << UInt64(logN) + 1 << 20
        // NUL-terminated copy so that even an empty password has an address to pass.
        let characters = password.map { CChar(bitPattern: $0) } + [0]
        let ok = EVP_PBE_scrypt(
            characters, password.count, salt, salt.count,
            UInt64(1) << UInt64(logN), UInt64(r), UInt64(p), memory, &output, length)
        guard ok == 1 else { throw .fromQueue(.openSSL, "scrypt failed") }
        return output
    }
}

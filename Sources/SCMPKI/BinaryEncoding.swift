internal import Foundation
internal import COpenSSL

/// What a file that is not PEM text holds, so that an upload refused for not being PEM can say
/// which `openssl` command converts it (RULES.md §3, Upload: "not PEM (say how to convert)").
public enum BinaryEncoding: Sendable, Equatable {
    /// One X.509 certificate in DER (a `.der`/`.cer` file).
    case derCertificate
    /// A private key in DER (PKCS#8 or the traditional RSA/EC forms).
    case derPrivateKey
    /// A PKCS#12 keystore (`.pfx`/`.p12`), which may hold the key, the certificate and its chain.
    case pkcs12
    /// None of these.
    case unknown

    /// Reads `bytes` with OpenSSL's DER decoders, PKCS#12 first (its outer SEQUENCE would not
    /// decode as a certificate anyway, but a keystore is the likelier upload). Never throws:
    /// anything unreadable is `.unknown`.
    public static func identify(_ bytes: [UInt8]) -> BinaryEncoding {
        defer { OpenSSLErrorQueue.clear() }
        guard !bytes.isEmpty else { return .unknown }
        if let bio = try? MemoryBIO(bytes), let keystore = d2i_PKCS12_bio(bio.pointer, nil) {
            PKCS12_free(keystore)
            return .pkcs12
        }
        if let bio = try? MemoryBIO(bytes), let certificate = d2i_X509_bio(bio.pointer, nil) {
            X509_free(certificate)
            return .derCertificate
        }
        if let bio = try? MemoryBIO(bytes), let key = d2i_PrivateKey_bio(bio.pointer, nil) {
            EVP_PKEY_free(key)
            return .derPrivateKey
        }
        return .unknown
    }

    /// The same for text that may be one of those files in base64 without PEM's BEGIN/END lines
    /// (what `base64 cert.pfx` prints). Text that is not base64 is `.unknown`.
    public static func identify(base64 text: String) -> BinaryEncoding {
        let compact = text.filter { !$0.isWhitespace }
        guard compact.count >= 64, let data = Data(base64Encoded: compact) else { return .unknown }
        return identify([UInt8](data))
    }
}

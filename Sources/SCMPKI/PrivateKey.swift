internal import COpenSSL
public import SCMCore

/// A private key (OpenSSL `EVP_PKEY`), RSA or EC; freed in `deinit`.
///
/// Immutable once made, so one instance may be used from many threads at once: OpenSSL 3
/// allows concurrent signing and encoding with the same `EVP_PKEY`.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// Generates a fresh key of the catalogue's algorithm (RULES.md §1). RSA 4096 takes a
    /// second or more: call it off any latency-sensitive path.
    public init(generating algorithm: KeyAlgorithm) throws(PKIError) {
        OpenSSLErrorQueue.clear()
        let context = try KeyContextHandle(algorithmName: algorithm.isRSA ? "RSA" : "EC")
        guard EVP_PKEY_keygen_init(context.pointer) == 1 else {
            throw .fromQueue(.openSSL, "could not start \(algorithm.displayName) key generation")
        }
        let configured: Int32 =
            switch algorithm {
            case .rsa2048: scm_EVP_PKEY_CTX_set_rsa_keygen_bits(context.pointer, 2048)
            case .rsa3072: scm_EVP_PKEY_CTX_set_rsa_keygen_bits(context.pointer, 3072)
            case .rsa4096: scm_EVP_PKEY_CTX_set_rsa_keygen_bits(context.pointer, 4096)
            case .ecP256: scm_EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.pointer, NID_X9_62_prime256v1)
            case .ecP384: scm_EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.pointer, NID_secp384r1)
            }
        guard configured > 0 else {
            throw .fromQueue(.openSSL, "could not configure \(algorithm.displayName) key generation")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context.pointer, &key) == 1, let key else {
            throw .fromQueue(.openSSL, "could not generate a \(algorithm.displayName) key")
        }
        pointer = key
    }

    /// Reads an unencrypted private key in PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or the traditional
    /// `BEGIN RSA PRIVATE KEY` / `BEGIN EC PRIVATE KEY` forms. Other PEM blocks before the key
    /// (a certificate pasted with it) are skipped.
    ///
    /// A password-protected key is refused with `.encryptedKey` and never prompts: SCM does not
    /// take key passwords (RULES.md §3, Upload). Anything else unreadable is `.malformed`.
    public init(pem: String) throws(PKIError) {
        OpenSSLErrorQueue.clear()
        let text = PEMText.normalized(pem)
        let bio = try MemoryBIO(text)
        var passwordRequested = false
        let key = withUnsafeMutablePointer(to: &passwordRequested) {
            // The password callback refuses, and records through `userdata` that it was asked.
            PEM_read_bio_PrivateKey(bio.pointer, nil, { _, _, _, userdata in
                userdata?.assumingMemoryBound(to: Bool.self).pointee = true
                return -1
            }, $0)
        }
        let looksEncrypted =
            text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
        guard let key else {
            if passwordRequested || looksEncrypted {
                throw .fromQueue(
                    .encryptedKey,
                    "the private key is password-protected; give it without a password (for example `openssl pkey -in key.pem -out plain.pem`)"
                )
            }
            if !PEMText.containsBlock(text) {
                throw .fromQueue(.malformed, "the private key is not PEM text (no -----BEGIN … PRIVATE KEY----- block)")
            }
            throw .fromQueue(.malformed, "the text holds no readable private key")
        }
        pointer = key
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA || EVP_PKEY_get_base_id(key) == EVP_PKEY_EC else {
            throw PKIError(.unsupportedKey, "the private key is \(algorithmDescription); only RSA and EC keys are supported")
        }
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Seal it before storing it.
    ///
    /// Encoding into memory fails only when allocation fails, which traps.
    public var pem: String {
        OpenSSLErrorQueue.clear()
        do {
            let bio = try MemoryBIO()
            guard PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
                throw PKIError.fromQueue(.openSSL, "could not encode the private key as PEM")
            }
            return bio.string
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// "RSA 2048", "EC P-256", … as the catalogue names them; other sizes and curves spelled alike.
    public var algorithmDescription: String { PublicKeyDescription(pointer).text }

    /// The catalogue algorithm of this key, or nil for a size or curve outside the catalogue.
    public var keyAlgorithm: KeyAlgorithm? { PublicKeyDescription(pointer).algorithm }

    /// True when both keys have the same public part.
    func matches(publicKey other: OpaquePointer) -> Bool {
        let equal = EVP_PKEY_eq(pointer, other) == 1
        OpenSSLErrorQueue.clear()
        return equal
    }
}

extension KeyAlgorithm {
    var isRSA: Bool {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: true
        case .ecP256, .ecP384: false
        }
    }
}

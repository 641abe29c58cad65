internal import COpenSSL

/// Seals private keys at rest with AES-256-GCM under a master key that never enters the
/// database (DESIGN.md, Security; RULES.md §7: keys "decrypted only for the download").
///
/// Sealed format: version byte `0x01`, 12-byte random nonce, ciphertext, 16-byte tag. The
/// version byte is authenticated too. A value type holding only the key: safe from any thread.
public struct KeySealer: Sendable {
    static let version: UInt8 = 1
    static let nonceLength = 12
    static let tagLength = 16

    private let masterKey: [UInt8]

    /// `masterKey` must be 32 bytes (see `loadOrCreateMasterKey(at:)`).
    public init(masterKey: [UInt8]) throws(PKIError) {
        guard masterKey.count == 32 else {
            throw PKIError(.invalidInput, "the master key must be 32 bytes, not \(masterKey.count)")
        }
        self.masterKey = masterKey
    }

    /// Encrypts and authenticates `plaintext` under a fresh random nonce.
    public func seal(_ plaintext: [UInt8]) throws(PKIError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        let nonce = SecureRandom.bytes(Self.nonceLength)
        let context = try CipherContextHandle()
        guard EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            scm_EVP_CIPHER_CTX_set_ivlen(context.pointer, Int32(Self.nonceLength)) == 1,
            EVP_EncryptInit_ex(context.pointer, nil, nil, masterKey, nonce) == 1
        else { throw .fromQueue(.openSSL, "could not start AES-256-GCM encryption") }

        var length: Int32 = 0
        var header = [Self.version]
        guard EVP_EncryptUpdate(context.pointer, nil, &length, &header, 1) == 1 else {
            throw .fromQueue(.openSSL, "could not authenticate the sealed header")
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var produced = 0
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context.pointer, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1 else {
                throw .fromQueue(.openSSL, "could not encrypt")
            }
            produced = Int(length)
        }
        let finished = ciphertext.withUnsafeMutableBufferPointer {
            EVP_EncryptFinal_ex(context.pointer, $0.baseAddress.map { $0 + produced }, &length)
        }
        guard finished == 1 else { throw .fromQueue(.openSSL, "could not finish encrypting") }
        produced += Int(length)
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        guard scm_EVP_CIPHER_CTX_get_tag(context.pointer, &tag, Int32(Self.tagLength)) == 1 else {
            throw .fromQueue(.openSSL, "could not read the authentication tag")
        }
        return header + nonce + ciphertext.prefix(produced) + tag
    }

    /// Decrypts what `seal` produced. Throws `.authenticationFailed` when the data was altered,
    /// truncated, or sealed under another master key: nothing of it is returned then.
    public func open(_ sealed: [UInt8]) throws(PKIError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard sealed.count >= 1 + Self.nonceLength + Self.tagLength else {
            throw PKIError(.authenticationFailed, "the sealed data is truncated (\(sealed.count) bytes)")
        }
        guard sealed[0] == Self.version else {
            throw PKIError(.authenticationFailed, "the sealed data has unknown format version \(sealed[0])")
        }
        let nonce = Array(sealed[1..<(1 + Self.nonceLength)])
        let ciphertext = Array(sealed[(1 + Self.nonceLength)..<(sealed.count - Self.tagLength)])
        var tag = Array(sealed[(sealed.count - Self.tagLength)...])

        let context = try CipherContextHandle()
        guard EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            scm_EVP_CIPHER_CTX_set_ivlen(context.pointer, Int32(Self.nonceLength)) == 1,
            EVP_DecryptInit_ex(context.pointer, nil, nil, masterKey, nonce) == 1
        else { throw .fromQueue(.openSSL, "could not start AES-256-GCM decryption") }

        var length: Int32 = 0
        var header = [sealed[0]]
        guard EVP_DecryptUpdate(context.pointer, nil, &length, &header, 1) == 1 else {
            throw .fromQueue(.openSSL, "could not authenticate the sealed header")
        }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var produced = 0
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context.pointer, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1
            else { throw .fromQueue(.openSSL, "could not decrypt") }
            produced = Int(length)
        }
        guard scm_EVP_CIPHER_CTX_set_tag(context.pointer, &tag, Int32(Self.tagLength)) == 1 else {
            throw .fromQueue(.openSSL, "could not set the authentication tag")
        }
        let verified = plaintext.withUnsafeMutableBufferPointer {
            EVP_DecryptFinal_ex(context.pointer, $0.baseAddress.map { $0 + produced }, &length)
        }
        guard verified == 1 else {
            plaintext.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
            OpenSSLErrorQueue.clear()
            throw PKIError(
                .authenticationFailed,
                "the sealed data does not authenticate: it was altered, or sealed under another master key")
        }
        produced += Int(length)
        return Array(plaintext.prefix(produced))
    }
}

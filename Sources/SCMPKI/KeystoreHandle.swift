internal import COpenSSL

/// An OpenSSL `PKCS12` keystore; freed in `deinit`.
final class KeystoreHandle {
    let pointer: OpaquePointer

    init(
        password: String, friendlyName: String, key: PrivateKey, certificate: CertificateHandle,
        chain: CertificateStackHandle
    ) throws(PKIError) {
        // nid/iteration arguments 0: OpenSSL 3's defaults (AES-256-CBC, PBKDF2, SHA-256 MAC).
        guard
            let store = PKCS12_create(
                password, friendlyName, key.pointer, certificate.pointer, chain.pointer, 0, 0, 0, 0, 0)
        else { throw .fromQueue(.openSSL, "could not build the PKCS#12 keystore") }
        pointer = store
    }

    deinit { PKCS12_free(pointer) }

    /// The keystore in DER, the bytes of a .p12/.pfx file.
    var der: [UInt8] {
        get throws(PKIError) {
            let bio = try MemoryBIO()
            guard i2d_PKCS12_bio(bio.pointer, pointer) == 1 else {
                throw .fromQueue(.openSSL, "could not encode the PKCS#12 keystore")
            }
            return bio.bytes
        }
    }
}

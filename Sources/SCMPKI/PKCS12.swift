internal import COpenSSL

/// PKCS#12 keystores for the Tomcat, IIS and WebLogic downloads (RULES.md §7).
public enum PKCS12 {
    /// A PKCS#12 file (DER) holding the key, the certificate and its chain, protected by
    /// `password` with OpenSSL 3's defaults (AES-256-CBC, PBKDF2, SHA-256 MAC), both bags named
    /// `friendlyName` (the alias Java keytool and Windows show).
    ///
    /// The key must belong to the certificate (`.keyMismatch`). Each chain string may hold
    /// several PEM certificates.
    public static func make(
        certificatePEM: String, key: PrivateKey, chainPEMs: [String], friendlyName: String, password: String
    ) throws(PKIError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        let certificate = try CertificateHandle.first(inPEM: certificatePEM)
        guard let publicKey = certificate.publicKey, key.matches(publicKey: publicKey) else {
            throw PKIError(.keyMismatch, "the private key does not belong to the certificate")
        }
        var chain: [CertificateHandle] = []
        for pem in chainPEMs { chain += try CertificateHandle.all(inPEM: pem, what: "chain certificate") }
        let stack = try CertificateStackHandle(chain)
        guard
            let store = PKCS12_create(
                password, friendlyName, key.pointer, certificate.pointer, stack.pointer, 0, 0, 0, 0, 0)
        else { throw .fromQueue(.openSSL, "could not build the PKCS#12 keystore") }
        defer { PKCS12_free(store) }
        let bio = try MemoryBIO()
        guard i2d_PKCS12_bio(bio.pointer, store) == 1 else {
            throw .fromQueue(.openSSL, "could not encode the PKCS#12 keystore")
        }
        return bio.bytes
    }
}

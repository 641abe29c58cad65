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
        let keystore = try KeystoreHandle(
            password: password, friendlyName: friendlyName, key: key, certificate: certificate,
            chain: CertificateStackHandle(chain))
        return try keystore.der
    }
}

public import Foundation
internal import COpenSSL

/// Reading and checking X.509 certificates in PEM (issued ones, and uploaded ones: RULES.md §3, Upload).
public enum X509 {
    /// Reads the first certificate of the PEM text. `.malformed` when there is none or it is damaged.
    public static func parse(pem: String) throws(PKIError) -> CertificateInfo {
        OpenSSLErrorQueue.clear()
        return try CertificateHandle.first(inPEM: pem).info
    }

    /// Reads every certificate of a PEM bundle (leaf first, as a chain is usually pasted), in the
    /// order given. Non-certificate blocks are skipped; a damaged certificate block or a text with
    /// no certificate at all is `.malformed`.
    public static func parseBundle(_ pem: String) throws(PKIError) -> [CertificateInfo] {
        OpenSSLErrorQueue.clear()
        return try CertificateHandle.all(inPEM: pem).map(\.info)
    }

    /// True when `key` is the private half of the (first) certificate's public key. False also
    /// when the certificate cannot be read.
    public static func keyMatches(certificatePEM: String, key: PrivateKey) -> Bool {
        OpenSSLErrorQueue.clear()
        guard let certificate = try? CertificateHandle.first(inPEM: certificatePEM),
            let publicKey = certificate.publicKey
        else { return false }
        return key.matches(publicKey: publicKey)
    }

    /// Verifies that `leaf` chains, through any of `intermediates`, to one of `roots`, with every
    /// certificate valid at `at` (the caller's clock, never the system's).
    ///
    /// Each string may hold several PEM certificates; the leaf is the first one of `leaf`.
    /// Throws `.chainInvalid` with OpenSSL's reason (`X509_verify_cert_error_string`) and the
    /// depth it failed at: "certificate has expired (depth 0: CN=www.example.com)".
    public static func verifyChain(leaf: String, intermediates: [String], roots: [String], at: Date) throws(PKIError) {
        OpenSSLErrorQueue.clear()
        let leafCertificate = try CertificateHandle.first(inPEM: leaf)
        var untrusted: [CertificateHandle] = []
        for pem in intermediates { untrusted += try CertificateHandle.all(inPEM: pem, what: "intermediate certificate") }
        var trusted: [CertificateHandle] = []
        for pem in roots { trusted += try CertificateHandle.all(inPEM: pem, what: "root certificate") }
        guard !trusted.isEmpty else { throw PKIError(.invalidInput, "no trusted root certificate to verify against") }

        let store = try TrustStoreHandle(roots: trusted)
        let chain = try CertificateStackHandle(untrusted)
        let verification = try VerificationHandle()
        guard X509_STORE_CTX_init(verification.pointer, store.pointer, leafCertificate.pointer, chain.pointer) == 1,
            let parameters = X509_STORE_CTX_get0_param(verification.pointer)
        else { throw .fromQueue(.openSSL, "could not set up the chain verification") }
        // set_time also sets X509_V_FLAG_USE_CHECK_TIME.
        X509_VERIFY_PARAM_set_time(parameters, time_t(at.timeIntervalSince1970.rounded(.down)))

        guard X509_verify_cert(verification.pointer) != 1 else {
            OpenSSLErrorQueue.clear()
            return
        }
        let code = X509_STORE_CTX_get_error(verification.pointer)
        let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "verification failed"
        let depth = X509_STORE_CTX_get_error_depth(verification.pointer)
        var location = "depth \(depth)"
        if let failing = X509_STORE_CTX_get_current_cert(verification.pointer),
            let name = X509_get_subject_name(failing)
        {
            location += ": \(NameReader.oneLine(name))"
        }
        throw .fromQueue(.chainInvalid, "\(reason) (\(location))")
    }

    /// True when the text holds a PEM block (`-----BEGIN …-----`, base64, `-----END …-----`);
    /// false for DER bytes read as text, or anything else. Says nothing about what the block holds.
    public static func isPEM(_ text: String) -> Bool { PEMText.containsBlock(text) }
}

public import Foundation
internal import COpenSSL

/// The simulated CA's signing: its roots, intermediates, and the leaf certificates it issues.
///
/// Every certificate gets a random positive 16-byte serial, version 3, and the validity given
/// (times come from the caller's clock). The result is PEM.
public enum CertificateSigner {
    /// A self-signed root: basicConstraints critical CA:TRUE, keyUsage critical
    /// keyCertSign+cRLSign, subjectKeyIdentifier.
    public static func selfSignedRoot(
        key: PrivateKey, commonName: String, organization: String, country: String,
        notBefore: Date, notAfter: Date, hash: SignatureHash = .sha256
    ) throws(PKIError) -> String {
        OpenSSLErrorQueue.clear()
        let subject = try NameHandle(
            commonName: commonName, organization: organization, country: country, province: nil, city: nil)
        let certificate = try start(
            subject: subject, publicKey: key.pointer, issuerName: subject.pointer, notBefore: notBefore, notAfter: notAfter)
        try addExtensions(
            to: certificate, issuer: certificate,
            [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        return try sign(certificate, with: key, hash: hash)
    }

    /// An intermediate CA under `issuerCertificatePEM`: basicConstraints critical CA:TRUE
    /// pathlen:0 (it may sign only leaves), keyUsage critical keyCertSign+cRLSign, subject and
    /// authority key identifiers.
    public static func intermediate(
        key: PrivateKey, commonName: String, organization: String, country: String? = nil,
        issuerCertificatePEM: String, issuerKey: PrivateKey,
        notBefore: Date, notAfter: Date, hash: SignatureHash = .sha256
    ) throws(PKIError) -> String {
        OpenSSLErrorQueue.clear()
        let issuer = try checkedIssuer(issuerCertificatePEM, key: issuerKey, signingCA: true)
        let subject = try NameHandle(
            commonName: commonName, organization: organization, country: country, province: nil, city: nil)
        let certificate = try start(
            subject: subject, publicKey: key.pointer, issuerName: X509_get_subject_name(issuer.pointer),
            notBefore: notBefore, notAfter: notAfter)
        try addExtensions(
            to: certificate, issuer: issuer,
            [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
        return try sign(certificate, with: issuerKey, hash: hash)
    }

    /// A TLS server certificate for the key of `csrPEM`, whose self-signature must verify.
    ///
    /// The subject is built only from the given fields (C, ST, L, O, CN): whatever else the CSR
    /// asks for (OU, e-mail) is dropped, as an issued certificate carries no personal contact
    /// data and no OU (RULES.md §1). The SANs are the given names, not the CSR's. Extensions:
    /// basicConstraints critical CA:FALSE; keyUsage critical digitalSignature+keyEncipherment
    /// for RSA, digitalSignature for EC; extKeyUsage serverAuth; subjectAltName (critical when
    /// the subject is empty); subject and authority key identifiers.
    ///
    /// The CSR key must be RSA of 2048 bits or more, or EC P-256, P-384 or P-521 (`.unsupportedKey`).
    public static func leaf(
        csrPEM: String, commonName: String, subjectAlternativeNames: [String],
        organization: String? = nil, country: String? = nil, province: String? = nil, city: String? = nil,
        issuerCertificatePEM: String, issuerKey: PrivateKey,
        notBefore: Date, notAfter: Date, hash: SignatureHash = .sha256
    ) throws(PKIError) -> String {
        OpenSSLErrorQueue.clear()
        let request = try RequestHandle(pem: csrPEM)
        guard let publicKey = request.publicKey else { throw .fromQueue(.malformed, "the CSR's public key cannot be read") }
        let key = PublicKeyDescription(publicKey)
        guard (key.isRSA && key.bits >= 2048) || (key.isEC && ["EC P-256", "EC P-384", "EC P-521"].contains(key.text))
        else {
            throw PKIError(
                .unsupportedKey,
                "the CSR's key is \(key.text); the CA signs RSA keys of 2048 bits or more and EC P-256, P-384 or P-521 keys")
        }
        guard !subjectAlternativeNames.isEmpty else {
            throw PKIError(.invalidInput, "a server certificate needs at least one subjectAltName")
        }
        let issuer = try checkedIssuer(issuerCertificatePEM, key: issuerKey, signingCA: false)
        let subject = try NameHandle(
            commonName: commonName, organization: organization, country: country, province: province, city: city)
        let certificate = try start(
            subject: subject, publicKey: publicKey, issuerName: X509_get_subject_name(issuer.pointer),
            notBefore: notBefore, notAfter: notAfter)
        try addExtensions(
            to: certificate, issuer: issuer,
            [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, key.isRSA ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
        let names = try GeneralNamesHandle(subjectAlternativeNames)
        let critical: Int32 = X509_NAME_entry_count(subject.pointer) == 0 ? 1 : 0
        guard
            X509_add1_ext_i2d(
                certificate.pointer, NID_subject_alt_name, UnsafeMutableRawPointer(names.pointer), critical,
                UInt(X509V3_ADD_DEFAULT)) == 1
        else { throw .fromQueue(.openSSL, "could not add the subjectAltName") }
        return try sign(certificate, with: issuerKey, hash: hash)
    }

    // MARK: - Steps

    /// The issuer must be a CA whose key is `key`; a CA below a root may not sign another CA
    /// when its pathlen is 0.
    private static func checkedIssuer(_ pem: String, key: PrivateKey, signingCA: Bool) throws(PKIError)
        -> CertificateHandle
    {
        let issuer = try CertificateHandle.first(inPEM: pem, what: "issuer certificate")
        guard let issuerPublicKey = issuer.publicKey, key.matches(publicKey: issuerPublicKey) else {
            throw PKIError(.keyMismatch, "the issuer key does not belong to the issuer certificate")
        }
        let flags = X509_get_extension_flags(issuer.pointer)
        guard flags & UInt32(EXFLAG_CA) != 0 else {
            throw PKIError(.invalidInput, "the issuer certificate is not a CA (basicConstraints CA:TRUE missing)")
        }
        if signingCA, flags & UInt32(EXFLAG_SS) == 0, X509_get_pathlen(issuer.pointer) == 0 {
            throw PKIError(.invalidInput, "the issuer certificate has pathlen:0 and may not sign another CA")
        }
        return issuer
    }

    private static func start(
        subject: NameHandle, publicKey: OpaquePointer, issuerName: OpaquePointer?, notBefore: Date, notAfter: Date
    ) throws(PKIError) -> CertificateHandle {
        guard notBefore < notAfter else {
            throw PKIError(.invalidInput, "the validity ends (\(notAfter)) before it starts (\(notBefore))")
        }
        let certificate = try CertificateHandle()
        var serial = SecureRandom.bytes(16)
        serial[0] = (serial[0] & 0x7F) | 0x40  // positive, and always 16 bytes long
        guard X509_set_version(certificate.pointer, 2) == 1,
            let serialNumber = X509_get_serialNumber(certificate.pointer),
            ASN1_STRING_set(serialNumber, serial, Int32(serial.count)) == 1,
            X509_set_subject_name(certificate.pointer, subject.pointer) == 1,
            X509_set_issuer_name(certificate.pointer, issuerName) == 1,
            X509_set_pubkey(certificate.pointer, publicKey) == 1,
            ASN1_TIME_set(X509_getm_notBefore(certificate.pointer), time_t(notBefore.timeIntervalSince1970.rounded(.down))) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate.pointer), time_t(notAfter.timeIntervalSince1970.rounded(.down))) != nil
        else { throw .fromQueue(.openSSL, "could not fill in the certificate") }
        return certificate
    }

    /// Adds extensions written in OpenSSL's configuration syntax. Only fixed strings of this
    /// file go through that syntax; names supplied by users never do.
    private static func addExtensions(
        to certificate: CertificateHandle, issuer: CertificateHandle, _ extensions: [(Int32, String)]
    ) throws(PKIError) {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer.pointer, certificate.pointer, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
                let name = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "\(nid)"
                throw .fromQueue(.openSSL, "could not make the \(name) extension \"\(value)\"")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate.pointer, ext, -1) == 1 else {
                throw .fromQueue(.openSSL, "could not add an extension")
            }
        }
    }

    private static func sign(_ certificate: CertificateHandle, with key: PrivateKey, hash: SignatureHash) throws(PKIError)
        -> String
    {
        guard X509_sign(certificate.pointer, key.pointer, hash.digest) > 0 else {
            throw .fromQueue(.openSSL, "could not sign the certificate with the \(key.algorithmDescription) key")
        }
        return certificate.pem
    }
}

internal import COpenSSL

/// Certificate signing requests (PKCS#10), as SCM makes them for system-generated keys and
/// reads them when a user uploads one (RULES.md §4).
public enum CSR {
    /// Builds and signs a CSR for `key`, returned as PEM.
    ///
    /// The subject holds exactly the given fields (C, ST, L, O, CN; nil or empty ones left out);
    /// `subjectAlternativeNames` entries that read as IP addresses become iPAddress entries, the
    /// others dNSName. Signed with SHA-384 for EC P-384 keys, SHA-256 otherwise.
    public static func create(
        key: PrivateKey, commonName: String, subjectAlternativeNames: [String],
        organization: String? = nil, country: String? = nil, province: String? = nil, city: String? = nil
    ) throws(PKIError) -> String {
        OpenSSLErrorQueue.clear()
        let request = try RequestHandle()
        let name = try NameHandle(
            commonName: commonName, organization: organization, country: country, province: province, city: city)
        guard X509_REQ_set_version(request.pointer, 0) == 1,
            X509_REQ_set_subject_name(request.pointer, name.pointer) == 1,
            X509_REQ_set_pubkey(request.pointer, key.pointer) == 1
        else { throw .fromQueue(.openSSL, "could not fill in the CSR") }
        if !subjectAlternativeNames.isEmpty {
            let names = try GeneralNamesHandle(subjectAlternativeNames)
            let extensions = try ExtensionStackHandle()
            try extensions.addSubjectAlternativeNames(names)
            guard X509_REQ_add_extensions(request.pointer, extensions.pointer) == 1 else {
                throw .fromQueue(.openSSL, "could not add the CSR's extensions")
            }
        }
        let hash = SignatureHash.default(for: key.pointer)
        guard X509_REQ_sign(request.pointer, key.pointer, hash.digest) > 0 else {
            throw .fromQueue(.openSSL, "could not sign the CSR with the \(key.algorithmDescription) key")
        }
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509_REQ(bio.pointer, request.pointer) == 1 else {
            throw .fromQueue(.openSSL, "could not encode the CSR as PEM")
        }
        return bio.string
    }

    /// Reads a PEM CSR and verifies its self-signature.
    ///
    /// Throws `.malformed` for text that is not a CSR and `.badSignature` for a CSR whose
    /// signature does not verify with its own public key (altered, or mis-signed).
    public static func parse(pem: String) throws(PKIError) -> CSRInfo {
        OpenSSLErrorQueue.clear()
        return try RequestHandle(pem: pem).info
    }

    /// True when the CSR (a valid one) carries the public half of `key`.
    public static func publicKeyMatches(csrPEM: String, key: PrivateKey) -> Bool {
        OpenSSLErrorQueue.clear()
        guard let request = try? RequestHandle(pem: csrPEM), let publicKey = request.publicKey else { return false }
        return key.matches(publicKey: publicKey)
    }
}

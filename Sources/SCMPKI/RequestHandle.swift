internal import COpenSSL

/// An OpenSSL `X509_REQ` certificate signing request; freed in `deinit`.
final class RequestHandle {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let request = X509_REQ_new() else { throw .fromQueue(.openSSL, "could not allocate a CSR") }
        pointer = request
    }

    /// Reads the first CSR of the PEM text and checks its self-signature (proof that whoever
    /// made it holds the private key): a tampered or mis-signed CSR is `.badSignature`.
    init(pem: String) throws(PKIError) {
        let text = PEMText.normalized(pem)
        let bio = try MemoryBIO(text)
        guard let request = PEM_read_bio_X509_REQ(bio.pointer, nil, nil, nil) else {
            throw .fromQueue(
                .malformed,
                PEMText.containsBlock(text)
                    ? "the text holds no readable CSR (a -----BEGIN CERTIFICATE REQUEST----- block)"
                    : "the CSR is not PEM text (no -----BEGIN CERTIFICATE REQUEST----- block)")
        }
        pointer = request
        guard let key = publicKey else {
            throw .fromQueue(.malformed, "the CSR's public key cannot be read")
        }
        guard X509_REQ_verify(request, key) == 1 else {
            throw .fromQueue(
                .badSignature,
                "the CSR's signature does not match its public key: it was altered after signing or signed with another key")
        }
    }

    deinit { X509_REQ_free(pointer) }

    var publicKey: OpaquePointer? { X509_REQ_get0_pubkey(pointer) }

    var info: CSRInfo {
        let name = X509_REQ_get_subject_name(pointer)
        var names: [String] = []
        if let extensions = X509_REQ_get_extensions(pointer) {
            if let raw = X509V3_get_d2i(extensions, NID_subject_alt_name, nil, nil) {
                names = GeneralNamesHandle(owning: OpaquePointer(raw)).dnsNamesAndIPAddresses
            }
            scm_sk_X509_EXTENSION_pop_free(extensions)
        }
        let key = publicKey.map(PublicKeyDescription.init)
        defer { OpenSSLErrorQueue.clear() }
        return CSRInfo(
            commonName: name.flatMap { NameReader.value(NID_commonName, in: $0) } ?? "",
            subjectAlternativeNames: names,
            keyDescription: key?.text ?? "unknown",
            keyAlgorithm: key?.algorithm,
            organization: name.flatMap { NameReader.value(NID_organizationName, in: $0) },
            country: name.flatMap { NameReader.value(NID_countryName, in: $0) },
            province: name.flatMap { NameReader.value(NID_stateOrProvinceName, in: $0) },
            city: name.flatMap { NameReader.value(NID_localityName, in: $0) },
            subject: name.map(NameReader.oneLine) ?? "")
    }
}

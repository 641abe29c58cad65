internal import COpenSSL
internal import Foundation

/// An OpenSSL `X509` certificate; freed in `deinit`.
final class CertificateHandle {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    /// An empty certificate to fill in and sign.
    init() throws(PKIError) {
        guard let certificate = X509_new() else { throw .fromQueue(.openSSL, "could not allocate a certificate") }
        pointer = certificate
    }

    deinit { X509_free(pointer) }

    private static let labels = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]

    /// Every certificate of a PEM bundle, in order; other PEM blocks (a key) are skipped.
    /// A certificate block that does not decode is an error, never silently dropped.
    static func all(inPEM text: String, what: String = "certificate") throws(PKIError) -> [CertificateHandle] {
        let normalized = PEMText.normalized(text)
        let bio = try MemoryBIO(normalized)
        var certificates: [CertificateHandle] = []
        while let certificate = PEM_read_bio_X509_AUX(bio.pointer, nil, nil, nil) {
            certificates.append(CertificateHandle(owning: certificate))
        }
        let expected = PEMText.count(labels: labels, in: normalized)
        if certificates.count < expected {
            throw .fromQueue(
                .malformed,
                "\(what) number \(certificates.count + 1) of \(expected) in the PEM text is damaged and cannot be read")
        }
        OpenSSLErrorQueue.clear()  // the read past the last block leaves "no start line"
        guard !certificates.isEmpty else {
            throw PKIError(
                .malformed,
                PEMText.containsBlock(normalized)
                    ? "the PEM text holds no certificate (no -----BEGIN CERTIFICATE----- block)"
                    : "the \(what) is not PEM text (no -----BEGIN CERTIFICATE----- block)")
        }
        return certificates
    }

    /// The first certificate of the PEM text.
    static func first(inPEM text: String, what: String = "certificate") throws(PKIError) -> CertificateHandle {
        let certificates = try all(inPEM: text, what: what)
        return certificates[0]
    }

    /// A new reference to the same certificate, for an OpenSSL stack that frees what it holds.
    func retained() -> OpaquePointer {
        X509_up_ref(pointer)
        return pointer
    }

    var publicKey: OpaquePointer? { X509_get0_pubkey(pointer) }

    var pem: String {
        guard let bio = try? MemoryBIO(), PEM_write_bio_X509(bio.pointer, pointer) == 1 else { return "" }
        return bio.string
    }

    /// The certificate's digest in uppercase hex with colons, as `openssl x509 -fingerprint` prints it.
    func fingerprint(_ digest: OpaquePointer?) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(pointer, digest, &buffer, &length) == 1 else { return "" }
        return buffer.prefix(Int(length)).map { Hex.upper($0) }.joined(separator: ":")
    }

    /// The serial number in uppercase hex of its bytes, as `openssl x509 -serial` prints it.
    var serialNumberHex: String {
        guard let serial = X509_get0_serialNumber(pointer) else { return "" }
        let bytes = GeneralNamesHandle.bytes(serial)
        let hex = bytes.isEmpty ? "00" : bytes.map { Hex.upper($0) }.joined()
        return ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" + hex : hex
    }

    var info: CertificateInfo {
        let subjectName = X509_get_subject_name(pointer)
        let issuerName = X509_get_issuer_name(pointer)
        var names: [String] = []
        if let raw = X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil) {
            names = GeneralNamesHandle(owning: OpaquePointer(raw)).dnsNamesAndIPAddresses
        }
        let key = publicKey.map(PublicKeyDescription.init)
        let signatureNID = X509_get_signature_nid(pointer)
        let isCA = X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA) != 0
        defer { OpenSSLErrorQueue.clear() }
        return CertificateInfo(
            subject: subjectName.map(NameReader.oneLine) ?? "",
            commonName: subjectName.flatMap { NameReader.value(NID_commonName, in: $0) },
            subjectAlternativeNames: names,
            issuer: issuerName.map(NameReader.oneLine) ?? "",
            serialNumberHex: serialNumberHex,
            notBefore: Self.date(X509_get0_notBefore(pointer)) ?? .distantPast,
            notAfter: Self.date(X509_get0_notAfter(pointer)) ?? .distantPast,
            fingerprintSHA256: fingerprint(EVP_sha256()),
            fingerprintSHA1: fingerprint(EVP_sha1()),
            signatureAlgorithm: OBJ_nid2ln(signatureNID).map { String(cString: $0) } ?? "unknown",
            keyDescription: key?.text ?? "unknown",
            keyAlgorithm: key?.algorithm,
            isCA: isCA,
            pem: pem)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

enum Hex {
    private static let upperDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits = Array("0123456789abcdef".utf8)

    static func upper(_ byte: UInt8) -> String {
        String(decoding: [upperDigits[Int(byte >> 4)], upperDigits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    static func lower(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(lowerDigits[Int(byte >> 4)])
            out.append(lowerDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

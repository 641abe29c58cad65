public import Foundation
public import SCMCore

/// What SCM shows and stores about one X.509 certificate, read from its DER.
public struct CertificateInfo: Sendable, Equatable {
    /// The subject on one line, RFC 2253 style: "CN=www.example.com,O=Example Ltd,C=CN".
    public let subject: String
    /// The subject's (last) common name, if it has one.
    public let commonName: String?
    /// The subjectAltName's DNS names and IP addresses, in certificate order.
    public let subjectAlternativeNames: [String]
    /// The issuer on one line, RFC 2253 style.
    public let issuer: String
    /// The serial number as uppercase hex of its bytes, as `openssl x509 -serial` prints it.
    public let serialNumberHex: String
    public let notBefore: Date
    public let notAfter: Date
    /// SHA-256 of the DER, uppercase hex with colons ("AB:CD:…").
    public let fingerprintSHA256: String
    /// SHA-1 of the DER, uppercase hex with colons.
    public let fingerprintSHA1: String
    /// OpenSSL's long name of the signature algorithm: "sha256WithRSAEncryption", "ecdsa-with-SHA384".
    public let signatureAlgorithm: String
    /// The subject key as people name it: "RSA 2048", "EC P-256".
    public let keyDescription: String
    /// The subject key as a catalogue algorithm, nil when outside the catalogue.
    public let keyAlgorithm: KeyAlgorithm?
    /// basicConstraints says CA:TRUE.
    public let isCA: Bool
    /// This certificate alone, re-encoded as PEM.
    public let pem: String

    /// Whether `time` is inside the validity period as OpenSSL's verification counts it:
    /// notBefore ≤ time < notAfter (at notAfter itself the certificate has expired).
    public func isValid(at time: Date) -> Bool { notBefore <= time && time < notAfter }
}

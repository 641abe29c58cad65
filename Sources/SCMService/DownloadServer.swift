import Foundation

/// The server types a certificate downloads for, one zip each (RULES.md §7). The raw value is the
/// last segment of the download URL (`/certificates/{id}/download/{server}`).
///
/// *(decision: the file names and layout)* Every zip holds one folder named `{base}_{server}`,
/// where `{base}` is the primary domain with `*` written as `_` (`*.example.com` →
/// `_.example.com`), or the certificate's name when it has no domain:
///
/// | server | files in the folder |
/// |---|---|
/// | Nginx | `{base}.crt` (certificate then chain, the full chain `ssl_certificate` wants), `{base}.key` |
/// | Apache | `{base}.crt` (certificate), `{base}_ca.crt` (chain, for `SSLCertificateChainFile`), `{base}.key` |
/// | Tomcat | `{base}.pfx` (PKCS#12: key, certificate, chain), `keystorePass.txt` |
/// | IIS | `{base}.pfx` (PKCS#12), `keystorePass.txt` |
/// | WebLogic | `{base}.p12` (PKCS#12 identity keystore, type `PKCS12`), `keystorePass.txt` |
/// | Resin | `{base}.crt` (certificate then chain), `{base}.key` |
/// | Other | `{base}.pem` (certificate), `{base}_chain.pem`, `{base}_fullchain.pem`, `{base}.key` |
///
/// The keystore password is generated for each download (16 lowercase hex digits from the CSPRNG)
/// and is also the key password in the keystore, as Tomcat and WebLogic expect; the alias
/// (friendly name) is `{base}`. Private key files are PKCS#8 PEM without a password.
///
/// A certificate with no private key here (its CSR was uploaded, RULES.md §3 Download) downloads
/// for every server type as `{base}.crt`, `{base}_ca.crt`, `{base}_fullchain.crt` and a
/// `README.txt` that says why the key is missing.
public enum DownloadServer: String, CaseIterable, Sendable {
    case nginx, apache, tomcat, iis, weblogic, resin, other

    public var displayName: String {
        switch self {
        case .nginx: "Nginx"
        case .apache: "Apache"
        case .tomcat: "Tomcat"
        case .iis: "IIS"
        case .weblogic: "WebLogic"
        case .resin: "Resin"
        case .other: "Other"
        }
    }

    /// What the zip holds, for the Download page.
    public var contents: String {
        switch self {
        case .nginx: "Full-chain certificate (.crt) and private key (.key), PEM"
        case .apache: "Certificate, chain (_ca.crt) and private key, PEM"
        case .tomcat: "PKCS#12 keystore (.pfx) and its password (keystorePass.txt)"
        case .iis: "PKCS#12 file (.pfx) and its password (keystorePass.txt)"
        case .weblogic: "PKCS#12 identity keystore (.p12) and its password (keystorePass.txt)"
        case .resin: "Full-chain certificate (.crt) and private key (.key), PEM"
        case .other: "Certificate, chain, full chain and private key as separate PEM files"
        }
    }

    /// Whether the zip is a keystore that needs the private key to be built.
    var usesKeystore: Bool {
        switch self {
        case .tomcat, .iis, .weblogic: true
        case .nginx, .apache, .resin, .other: false
        }
    }
}

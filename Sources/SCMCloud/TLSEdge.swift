import Foundation
import SCMCore
import SCMPKI

/// The simulated products' shared TLS edge (issue 6): nginx listens on 127.0.0.1:8443 and, for
/// every handshake, loads `<directory>/<SNI>.pem` (`ssl_certificate` with a variable, see
/// nginx.conf), so a file written here is what the next client sees, without a reload. Every
/// name a product serves has a file (`_fallback.pem`'s content until something is deployed
/// to it); a handshake without SNI, or with a name that is not lower-case host-name text,
/// gets `_fallback.pem` itself; any other name has no file and its handshake fails.
///
/// Each file holds the private key, the certificate and its chain together: nginx reads the
/// certificate and the key from the same file, and one `rename` replaces both at once, so no
/// handshake pairs a new certificate with an old key. The directory is the products' key store:
/// like a real edge it holds the deployed keys in clear, readable by its owner only.
public struct TLSEdge: Sendable {
    public let directory: String

    /// The file every name without a deployment (and a handshake without SNI) gets.
    public static let fallbackName = "_fallback"
    /// The fallback certificate's only name: `.invalid` can never be a real host (RFC 2606).
    public static let fallbackHost = "no-certificate-deployed.scm-edge.invalid"

    public init(directory: String) {
        self.directory = directory
    }

    /// The fallback bundle, made once (by the first CA brand, valid ten years) and kept on disk.
    public func fallbackBundle(authority: CertificateAuthority, now: Date) throws -> String {
        try makeDirectory()
        let path = file(Self.fallbackName)
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.contains("BEGIN CERTIFICATE") {
            return existing
        }
        let key = try PrivateKey(generating: .ecP256)
        let csr = try CSR.create(key: key, commonName: Self.fallbackHost, subjectAlternativeNames: [Self.fallbackHost])
        let issued = try authority.issue(
            csrPEM: csr, names: [Self.fallbackHost], brand: CABrand.allCases[0], type: .dv, application: nil,
            notBefore: now - .days(1), notAfter: now + .days(3650))
        let bundle = key.pem + issued.certificatePEM + issued.chainPEM
        try write(bundle, to: Self.fallbackName)
        return bundle
    }

    /// Makes the directory hold exactly one file per name of `bundles` (key, certificate and
    /// chain in PEM) besides the fallback: changed files are replaced atomically, files of names
    /// no product serves any more are removed. Names must be host names (`edgeAssignments`).
    /// A name whose file cannot be written does not stop the others; `PublicationFailed` names
    /// them at the end.
    public func publish(_ bundles: [String: String]) throws {
        try makeDirectory()
        let bundles = bundles.filter { Self.isHostName($0.key) }
        var failed: [String] = []
        for (name, bundle) in bundles where self.bundle(for: name) != bundle {
            do { try write(bundle, to: name) } catch { failed.append(name) }
        }
        let kept = Set(bundles.keys.map { $0 + ".pem" } + [Self.fallbackName + ".pem"])
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory)
        where entry.hasSuffix(".pem") && !kept.contains(entry) {
            try FileManager.default.removeItem(atPath: directory + "/" + entry)
        }
        if !failed.isEmpty { throw PublicationFailed(names: failed.sorted()) }
    }

    /// Names whose files could not be written; the rest of the edge was updated.
    public struct PublicationFailed: Error, CustomStringConvertible {
        public let names: [String]
        public var description: String { "could not write the edge files of \(names.joined(separator: ", "))" }
    }

    /// What the edge presents for `name` now, if it has a file for it.
    public func bundle(for name: String) -> String? {
        guard Self.isHostName(name) else { return nil }
        return try? String(contentsOfFile: file(name), encoding: .utf8)
    }

    /// The names nginx looks up: lower-case letters, digits, dots and hyphens, neither first nor
    /// last a dot or hyphen (the `map` in nginx.conf uses the same pattern). Nothing else can
    /// become a path here.
    static func isHostName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, ![.dot, .hyphen].contains(first), ![.dot, .hyphen].contains(last)
        else { return false }
        // Bytes, not Characters: "b" followed by a combining accent is one Character that compares as a letter.
        let letters = UInt8(ascii: "a")...UInt8(ascii: "z"), digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        return bytes.allSatisfy { letters.contains($0) || digits.contains($0) || $0 == .dot || $0 == .hyphen }
    }

    private func file(_ name: String) -> String { directory + "/" + name + ".pem" }

    private func makeDirectory() throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes beside the target and renames over it: a handshake reads the old file or the new
    /// one, never half of one.
    private func write(_ bundle: String, to name: String) throws {
        let temporary = directory + "/." + name + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bundle.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        guard rename(temporary, file(name)) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file(name)])
        }
    }
}

extension UInt8 {
    fileprivate static let dot = UInt8(ascii: ".")
    fileprivate static let hyphen = UInt8(ascii: "-")
}

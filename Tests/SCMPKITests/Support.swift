import Foundation
import SCMCore
import SCMPKI
import Testing

/// The `openssl` command line, the independent judge of what SCMPKI produces.
enum OpenSSLCLI {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        var all: String { stdout + stderr }
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: TemporaryDirectory) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory.url
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting so that a full pipe cannot block the child.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs and requires exit status 0, returning stdout + stderr.
    @discardableResult
    static func ok(_ arguments: [String], in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        let output = try run(arguments, in: directory)
        #expect(output.status == 0, "openssl \(arguments.joined(separator: " ")): \(output.all)", sourceLocation: sourceLocation)
        return output.all
    }

    /// The value after `key=` on the line that starts with it (`serial=…`).
    static func field(_ key: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("scmpki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// Explicit instants, never the machine's clock.
enum Instant {
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    /// `openssl verify -attime` takes seconds since the epoch.
    static func epoch(_ date: Date) -> String { String(Int(date.timeIntervalSince1970)) }
}

/// Edits PEM at the byte level to make damaged inputs.
enum PEMSurgery {
    static func der(_ pem: String) -> [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return [UInt8](Data(base64Encoded: body) ?? Data())
    }

    static func pem(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }

    /// The same object with its last byte flipped: for a CSR or certificate, inside the signature.
    static func flippingLastByte(_ pem: String, label: String) -> String {
        var bytes = der(pem)
        bytes[bytes.count - 1] ^= 0x01
        return self.pem(bytes, label: label)
    }
}

/// A test PKI built once per test run with fixed dates: RSA 4096 root (the one slow key),
/// EC P-384 intermediate, EC P-256 and RSA 2048 leaves.
struct TestPKI: Sendable {
    static let shared: Result<TestPKI, PKIError> = Result { () throws(PKIError) in try TestPKI() }
    static func get() throws -> TestPKI { try shared.get() }

    static let rootNotBefore = Instant.utc(2024, 1, 1)
    static let rootNotAfter = Instant.utc(2044, 1, 1)
    static let intermediateNotBefore = Instant.utc(2024, 1, 2)
    static let intermediateNotAfter = Instant.utc(2034, 1, 1)
    static let leafNotBefore = Instant.utc(2025, 3, 1, 8, 30)
    static let leafNotAfter = Instant.utc(2026, 3, 1, 8, 29, 59)
    /// Inside every validity period.
    static let inside = Instant.utc(2025, 6, 1)

    let rootKey: PrivateKey
    let root: String
    let intermediateKey: PrivateKey
    let intermediate: String
    let ecLeafKey: PrivateKey
    let ecLeaf: String
    let rsaLeafKey: PrivateKey
    let rsaLeaf: String

    init() throws(PKIError) {
        rootKey = try PrivateKey(generating: .rsa4096)
        root = try CertificateSigner.selfSignedRoot(
            key: rootKey, commonName: "SCM Test Root CA", organization: "SCM Test", country: "CN",
            notBefore: Self.rootNotBefore, notAfter: Self.rootNotAfter)
        intermediateKey = try PrivateKey(generating: .ecP384)
        intermediate = try CertificateSigner.intermediate(
            key: intermediateKey, commonName: "SCM Test DV CA", organization: "SCM Test", country: "CN",
            issuerCertificatePEM: root, issuerKey: rootKey,
            notBefore: Self.intermediateNotBefore, notAfter: Self.intermediateNotAfter)
        ecLeafKey = try PrivateKey(generating: .ecP256)
        ecLeaf = try Self.leaf(
            key: ecLeafKey, names: ["www.example.com", "example.com", "192.0.2.10", "2001:db8::1"],
            issuer: intermediate, issuerKey: intermediateKey, hash: .sha384)
        rsaLeafKey = try PrivateKey(generating: .rsa2048)
        rsaLeaf = try Self.leaf(
            key: rsaLeafKey, names: ["shop.example.org"], issuer: intermediate, issuerKey: intermediateKey, hash: .sha256)
    }

    static func leaf(key: PrivateKey, names: [String], issuer: String, issuerKey: PrivateKey, hash: SignatureHash)
        throws(PKIError) -> String
    {
        let csr = try CSR.create(key: key, commonName: names[0], subjectAlternativeNames: names)
        return try CertificateSigner.leaf(
            csrPEM: csr, commonName: names[0], subjectAlternativeNames: names,
            organization: "Example Ltd", country: "CN", province: "Guangdong", city: "Shenzhen",
            issuerCertificatePEM: issuer, issuerKey: issuerKey,
            notBefore: leafNotBefore, notAfter: leafNotAfter, hash: hash)
    }
}

extension PKIError {
    /// For `#expect(throws:)` closures that need the kind.
    static func kind(of body: () throws -> Void) -> PKIError.Kind? {
        do {
            try body()
            return nil
        } catch let error as PKIError {
            return error.kind
        } catch {
            return nil
        }
    }
}

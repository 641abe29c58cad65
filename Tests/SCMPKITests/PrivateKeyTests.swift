import Foundation
import SCMCore
import SCMPKI
import Testing

@Suite struct PrivateKeyTests {
    /// RSA 4096 is generated once, as the test root's key.
    private func key(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        algorithm == .rsa4096 ? try TestPKI.get().rootKey : try PrivateKey(generating: algorithm)
    }

    @Test(arguments: KeyAlgorithm.allCases)
    func generatesAndRoundTrips(algorithm: KeyAlgorithm) throws {
        let key = try key(algorithm)
        #expect(key.keyAlgorithm == algorithm)
        #expect(key.algorithmDescription == algorithm.displayName)
        let pem = key.pem
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let reread = try PrivateKey(pem: pem)
        #expect(reread.keyAlgorithm == algorithm)
        #expect(reread.pem == pem)

        let directory = try TemporaryDirectory()
        try directory.write("key.pem", pem)
        let text = try OpenSSLCLI.ok(["pkey", "-in", "key.pem", "-noout", "-text"], in: directory)
        switch algorithm {
        case .rsa2048: #expect(text.contains("Private-Key: (2048 bit"))
        case .rsa3072: #expect(text.contains("Private-Key: (3072 bit"))
        case .rsa4096: #expect(text.contains("Private-Key: (4096 bit"))
        case .ecP256: #expect(text.contains("NIST CURVE: P-256"))
        case .ecP384: #expect(text.contains("NIST CURVE: P-384"))
        }
        if algorithm.rawValue.hasPrefix("RSA") {
            try OpenSSLCLI.ok(["pkey", "-in", "key.pem", "-check", "-noout"], in: directory)
        }
    }

    @Test func readsKeysMadeByOpenSSL() throws {
        let directory = try TemporaryDirectory()
        try OpenSSLCLI.ok(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "ec.pem"], in: directory)
        try OpenSSLCLI.ok(["ec", "-in", "ec.pem", "-out", "ec-traditional.pem"], in: directory)
        try OpenSSLCLI.ok(["genrsa", "-traditional", "-out", "rsa-traditional.pem", "2048"], in: directory)

        let traditionalEC = try directory.read("ec-traditional.pem")
        #expect(traditionalEC.contains("BEGIN EC PRIVATE KEY"))
        #expect(try PrivateKey(pem: directory.read("ec.pem")).keyAlgorithm == .ecP384)
        #expect(try PrivateKey(pem: traditionalEC).algorithmDescription == "EC P-384")
        let rsa = try directory.read("rsa-traditional.pem")
        #expect(rsa.contains("BEGIN RSA PRIVATE KEY"))
        #expect(try PrivateKey(pem: rsa).keyAlgorithm == .rsa2048)
        // Indented, CRLF text as pasted into a form.
        let pasted = rsa.split(separator: "\n").map { "   \($0)  " }.joined(separator: "\r\n")
        #expect(try PrivateKey(pem: pasted).keyAlgorithm == .rsa2048)
    }

    @Test func refusesEncryptedKeysWithoutPrompting() throws {
        let directory = try TemporaryDirectory()
        try OpenSSLCLI.ok(
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out", "pkcs8.pem"],
            in: directory)
        try OpenSSLCLI.ok(
            ["ec", "-in", "pkcs8.pem", "-passin", "pass:x", "-aes256", "-passout", "pass:x", "-out", "legacy.pem"], in: directory)
        let pkcs8 = try directory.read("pkcs8.pem")
        let legacy = try directory.read("legacy.pem")
        #expect(pkcs8.contains("BEGIN ENCRYPTED PRIVATE KEY"))
        #expect(legacy.contains("Proc-Type: 4,ENCRYPTED"))
        for pem in [pkcs8, legacy] {
            let error = #expect(throws: PKIError.self) { try PrivateKey(pem: pem) }
            #expect(error?.kind == .encryptedKey)
            #expect(error?.message.contains("password") == true)
        }
    }

    @Test func refusesGarbage() throws {
        let pki = try TestPKI.get()
        let truncated = String(pki.ecLeafKey.pem.dropLast(40))
        for text in ["", "hello", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", truncated, pki.ecLeaf] {
            let error = #expect(throws: PKIError.self) { try PrivateKey(pem: text) }
            #expect(error?.kind == .malformed, "\(text.prefix(30))")
        }
    }
}

import Foundation
import SCMPKI
import Testing

@Suite struct PKCS12Tests {
    @Test func openSSLReadsTheKeystore() throws {
        let pki = try TestPKI.get()
        let bytes = try PKCS12.make(
            certificatePEM: pki.rsaLeaf, key: pki.rsaLeafKey, chainPEMs: [pki.intermediate + pki.root],
            friendlyName: "scm-1a2b3c", password: "Pa55-word")
        let directory = try TemporaryDirectory()
        try directory.write("store.p12", bytes: bytes)

        let info = try OpenSSLCLI.ok(["pkcs12", "-in", "store.p12", "-info", "-nokeys", "-passin", "pass:Pa55-word"], in: directory)
        #expect(info.contains("friendlyName: scm-1a2b3c"))
        #expect(info.contains("AES-256-CBC"))
        #expect(info.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 4, "leaf + 2 chain certificates")

        try OpenSSLCLI.ok(
            ["pkcs12", "-in", "store.p12", "-nocerts", "-nodes", "-passin", "pass:Pa55-word", "-out", "key.pem"], in: directory)
        #expect(X509.keyMatches(certificatePEM: pki.rsaLeaf, key: try PrivateKey(pem: directory.read("key.pem"))))
        try OpenSSLCLI.ok(
            ["pkcs12", "-in", "store.p12", "-clcerts", "-nokeys", "-passin", "pass:Pa55-word", "-out", "cert.pem"], in: directory)
        #expect(try X509.parse(pem: directory.read("cert.pem")).fingerprintSHA256 == X509.parse(pem: pki.rsaLeaf).fingerprintSHA256)

        let wrong = try OpenSSLCLI.run(["pkcs12", "-in", "store.p12", "-info", "-nokeys", "-passin", "pass:nope"], in: directory)
        #expect(wrong.status != 0)
    }

    @Test func refusesAKeyOfAnotherCertificate() throws {
        let pki = try TestPKI.get()
        let error = #expect(throws: PKIError.self) {
            try PKCS12.make(
                certificatePEM: pki.rsaLeaf, key: pki.ecLeafKey, chainPEMs: [], friendlyName: "x", password: "y")
        }
        #expect(error?.kind == .keyMismatch)
    }
}

@Suite struct ConcurrencyTests {
    /// Many threads sharing one issuer key and certificate, as `scm serve` does.
    @Test func signsFromManyThreadsAtOnce() async throws {
        let pki = try TestPKI.get()
        let results = await withTaskGroup(of: Result<String, PKIError>.self) { group in
            for index in 0..<24 {
                group.addTask {
                    Result { () throws(PKIError) -> String in
                        let key = try PrivateKey(generating: .ecP256)
                        let name = "host\(index).example.com"
                        let leaf = try TestPKI.leaf(
                            key: key, names: [name], issuer: pki.intermediate, issuerKey: pki.intermediateKey, hash: .sha256)
                        try X509.verifyChain(leaf: leaf, intermediates: [pki.intermediate], roots: [pki.root], at: TestPKI.inside)
                        let sealer = try KeySealer(masterKey: Array(repeating: UInt8(index), count: 32))
                        guard try sealer.open(sealer.seal(Array(key.pem.utf8))) == Array(key.pem.utf8) else {
                            throw PKIError(.openSSL, "round trip differs")
                        }
                        return try X509.parse(pem: leaf).commonName ?? ""
                    }
                }
            }
            return await group.reduce(into: [Result<String, PKIError>]()) { $0.append($1) }
        }
        let names = try results.map { try $0.get() }
        #expect(Set(names) == Set((0..<24).map { "host\($0).example.com" }))
    }
}

import Foundation
import Logging
import SCMCloud
import SCMCore
import SCMPKI
import Testing

@testable import SCMService
@testable import SCMStore

/// The simulated products' TLS edge (issue 6): the files nginx loads per handshake.
@Suite final class TLSEdgeTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edge-\(UUID().uuidString)").path

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func beforeAnyDeploymentEveryServedNameGetsTheFallback() throws {
        let context = ServiceContext(
            database: try AppDatabase.inMemory(), clock: SystemClock(), identifiers: RandomIdentifiers(),
            logger: Logger(label: "test"), sealer: try KeySealer(masterKey: SecureRandom.bytes(32)), reviewScale: 0,
            edge: TLSEdge(directory: directory))
        try DeploymentService(context: context).publishEdge()
        // The seeded resources: WAF, CDN and VOD domains and the names of bound ELB certificates.
        #expect(try files().contains("www.example.com.pem"))
        #expect(try files().contains("video.example.com.pem"))
        #expect(try files().contains("_fallback.pem"))
        let fallback = try String(contentsOfFile: directory + "/_fallback.pem", encoding: .utf8)
        for file in try files() {
            #expect(try String(contentsOfFile: directory + "/" + file, encoding: .utf8) == fallback)
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        // Key, leaf and chain in one file, the key the leaf's.
        let certificates = try X509.parseBundle(fallback)
        #expect(certificates.count == 3)
        #expect(X509.keyMatches(certificatePEM: certificates[0].pem, key: try PrivateKey(pem: fallback)))
        #expect(certificates[0].subjectAlternativeNames == [TLSEdge.fallbackHost])
    }

    @Test func publishingKeepsExactlyTheServedHostNames() throws {
        let edge = TLSEdge(directory: directory)
        try edge.publish(["www.example.com": "one", "api.example.com": "two", "../escape": "x", "*.example.com": "w", "A.example.com": "u", "b\u{301}.example.com": "c"])
        #expect(try files() == ["api.example.com.pem", "www.example.com.pem"])
        try edge.publish(["www.example.com": "three"])
        #expect(try files() == ["www.example.com.pem"])
        #expect(try String(contentsOfFile: directory + "/www.example.com.pem", encoding: .utf8) == "three")
    }
}

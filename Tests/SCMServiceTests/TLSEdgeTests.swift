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

    @Test func theDemoResourcesSetUpForHTTPSHoldARealCertificateOnce() throws {
        let context = ServiceContext(
            database: try AppDatabase.inMemory(), clock: SystemClock(), identifiers: RandomIdentifiers(),
            logger: Logger(label: "test"), sealer: try KeySealer(masterKey: SecureRandom.bytes(32)), reviewScale: 0,
            edge: TLSEdge(directory: directory))
        let deployments = DeploymentService(context: context)
        let installed = try deployments.installSeedCertificates()
        #expect(try deployments.installSeedCertificates() == 0)
        let (resources, held) = try context.database.read { (try $0.allCloudResources(), try $0.heldCertificates()) }
        func ready(_ resource: CloudResource) -> Bool {
            switch resource.kind {
            case .wafDomain, .cdnDomain: resource.httpsReady
            case .vodDomain: true
            case .elbCertificate: !resource.name.hasPrefix("cert-unbound")
            case .elbLoadBalancer, .elbListener: false
            }
        }
        #expect(installed == resources.filter(ready).count)
        #expect(resources.contains { !ready($0) && [.wafDomain, .cdnDomain].contains($0.kind) })
        for resource in resources {
            #expect(resource.holdsCertificate == ready(resource), "\(resource.name)")
            guard ready(resource), let copy = held[resource.id], let sealed = copy.sealedPrivateKey else { continue }
            let info = try X509.parse(pem: copy.certificatePEM)
            #expect(Set(info.subjectAlternativeNames) == Set(resource.domains))
            #expect(info.serialNumberHex == resource.serialNumber && info.notAfter == resource.expiresAt)
            #expect(resource.certificateName == "preinstalled-\(resource.name)" && resource.certificateID == nil)
            let key = try PrivateKey(pem: String(decoding: try context.sealer.open(sealed), as: UTF8.self))
            #expect(X509.keyMatches(certificatePEM: copy.certificatePEM, key: key))
        }
        // The edge presents them: a seeded name gets its resource's certificate, not the fallback.
        try deployments.publishEdge()
        let served = try X509.parseBundle(String(contentsOfFile: directory + "/video.example.com.pem", encoding: .utf8))
        #expect(served.first?.subjectAlternativeNames == ["video.example.com"])
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

import Foundation
import SCMCore
import SCMPKI
import Testing

@Suite struct X509Tests {
    private func directory(with pki: TestPKI) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("root.pem", pki.root)
        try directory.write("inter.pem", pki.intermediate)
        try directory.write("leaf.pem", pki.ecLeaf)
        try directory.write("rsa-leaf.pem", pki.rsaLeaf)
        return directory
    }

    @Test func openSSLVerifiesTheHierarchy() throws {
        let pki = try TestPKI.get()
        let directory = try directory(with: pki)
        for leaf in ["leaf.pem", "rsa-leaf.pem"] {
            let output = try OpenSSLCLI.ok(
                [
                    "verify", "-attime", Instant.epoch(TestPKI.inside), "-purpose", "sslserver",
                    "-CAfile", "root.pem", "-untrusted", "inter.pem", leaf,
                ], in: directory)
            #expect(output.contains("\(leaf): OK"))
        }
        let expired = try OpenSSLCLI.run(
            [
                "verify", "-attime", Instant.epoch(TestPKI.leafNotAfter.addingTimeInterval(1)),
                "-CAfile", "root.pem", "-untrusted", "inter.pem", "leaf.pem",
            ], in: directory)
        #expect(expired.status != 0)
        #expect(expired.all.contains("certificate has expired"))
    }

    @Test func infoAgreesWithOpenSSL() throws {
        let pki = try TestPKI.get()
        let directory = try directory(with: pki)
        for (file, pem) in [("root.pem", pki.root), ("inter.pem", pki.intermediate), ("leaf.pem", pki.ecLeaf), ("rsa-leaf.pem", pki.rsaLeaf)] {
            let info = try X509.parse(pem: pem)
            let output = try OpenSSLCLI.ok(
                [
                    "x509", "-in", file, "-noout", "-serial", "-fingerprint", "-sha256", "-subject", "-issuer",
                    "-nameopt", "RFC2253",
                ], in: directory)
            #expect(OpenSSLCLI.field("serial", in: output) == info.serialNumberHex)
            #expect(OpenSSLCLI.field("sha256 Fingerprint", in: output) == info.fingerprintSHA256)
            #expect(OpenSSLCLI.field("subject", in: output) == info.subject)
            #expect(OpenSSLCLI.field("issuer", in: output) == info.issuer)
            let sha1 = try OpenSSLCLI.ok(["x509", "-in", file, "-noout", "-fingerprint", "-sha1"], in: directory)
            #expect(OpenSSLCLI.field("sha1 Fingerprint", in: sha1) == info.fingerprintSHA1)
            #expect(info.serialNumberHex.count == 32)
            #expect(info.serialNumberHex == info.serialNumberHex.uppercased())
            #expect(info.pem == pem)
        }
    }

    @Test func leafCarriesExactlyWhatTheCAChose() throws {
        let pki = try TestPKI.get()
        let leaf = try X509.parse(pem: pki.ecLeaf)
        #expect(leaf.subject == "CN=www.example.com,O=Example Ltd,L=Shenzhen,ST=Guangdong,C=CN")
        #expect(leaf.commonName == "www.example.com")
        #expect(leaf.subjectAlternativeNames == ["www.example.com", "example.com", "192.0.2.10", "2001:db8::1"])
        #expect(leaf.issuer == "CN=SCM Test DV CA,O=SCM Test,C=CN")
        #expect(leaf.notBefore == TestPKI.leafNotBefore)
        #expect(leaf.notAfter == TestPKI.leafNotAfter)
        #expect(leaf.signatureAlgorithm == "ecdsa-with-SHA384")
        #expect(leaf.keyDescription == "EC P-256")
        #expect(leaf.keyAlgorithm == .ecP256)
        #expect(!leaf.isCA)
        #expect(leaf.isValid(at: TestPKI.inside))
        #expect(leaf.isValid(at: TestPKI.leafNotBefore))
        #expect(!leaf.isValid(at: TestPKI.leafNotBefore.addingTimeInterval(-1)))
        #expect(leaf.isValid(at: TestPKI.leafNotAfter.addingTimeInterval(-1)))
        #expect(!leaf.isValid(at: TestPKI.leafNotAfter))

        let rsaLeaf = try X509.parse(pem: pki.rsaLeaf)
        #expect(rsaLeaf.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(rsaLeaf.keyDescription == "RSA 2048")

        let intermediate = try X509.parse(pem: pki.intermediate)
        #expect(intermediate.isCA)
        #expect(intermediate.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(intermediate.keyDescription == "EC P-384")
        let root = try X509.parse(pem: pki.root)
        #expect(root.isCA)
        #expect(root.subject == root.issuer)
        #expect(root.keyAlgorithm == .rsa4096)
        #expect(root.notBefore == TestPKI.rootNotBefore)

        let directory = try directory(with: pki)
        let extensions = "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName,subjectKeyIdentifier,authorityKeyIdentifier"
        let ecText = try OpenSSLCLI.ok(["x509", "-in", "leaf.pem", "-noout", "-ext", extensions], in: directory)
        #expect(ecText.contains("CA:FALSE"))
        #expect(ecText.contains("Digital Signature"))
        #expect(!ecText.contains("Key Encipherment"))
        #expect(ecText.contains("TLS Web Server Authentication"))
        #expect(ecText.contains("DNS:www.example.com, DNS:example.com, IP Address:192.0.2.10"))
        #expect(ecText.contains("X509v3 Subject Key Identifier"))
        #expect(ecText.contains("X509v3 Authority Key Identifier"))
        let rsaText = try OpenSSLCLI.ok(["x509", "-in", "rsa-leaf.pem", "-noout", "-ext", extensions], in: directory)
        #expect(rsaText.contains("Digital Signature, Key Encipherment"))
        let interText = try OpenSSLCLI.ok(["x509", "-in", "inter.pem", "-noout", "-ext", extensions], in: directory)
        #expect(interText.contains("CA:TRUE, pathlen:0"))
        #expect(interText.contains("Certificate Sign, CRL Sign"))
        #expect(interText.contains("X509v3 Authority Key Identifier"))
        let rootText = try OpenSSLCLI.ok(["x509", "-in", "root.pem", "-noout", "-ext", extensions], in: directory)
        #expect(rootText.contains("CA:TRUE"))
        #expect(rootText.contains("Certificate Sign, CRL Sign"))
    }

    @Test func leafSubjectDropsWhatTheCSRAskedFor() throws {
        let pki = try TestPKI.get()
        let directory = try TemporaryDirectory()
        try OpenSSLCLI.ok(
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem",
                "-subj", "/C=US/O=Someone Else/OU=Personal Unit/CN=evil.example.net/emailAddress=me@example.net",
                "-addext", "subjectAltName=DNS:evil.example.net,email:me@example.net", "-out", "csr.pem",
            ], in: directory)
        let leaf = try CertificateSigner.leaf(
            csrPEM: try directory.read("csr.pem"), commonName: "shop.example.com",
            subjectAlternativeNames: ["shop.example.com"], organization: nil, country: nil, province: nil, city: nil,
            issuerCertificatePEM: pki.intermediate, issuerKey: pki.intermediateKey,
            notBefore: TestPKI.leafNotBefore, notAfter: TestPKI.leafNotAfter)
        try directory.write("leaf.pem", leaf)
        let info = try X509.parse(pem: leaf)
        #expect(info.subject == "CN=shop.example.com")
        #expect(info.subjectAlternativeNames == ["shop.example.com"])
        let text = try OpenSSLCLI.ok(["x509", "-in", "leaf.pem", "-noout", "-text"], in: directory)
        #expect(!text.contains("OU="))
        #expect(!text.contains("OU ="))
        #expect(!text.contains("emailAddress"))
        #expect(!text.contains("me@example.net"))
        #expect(X509.keyMatches(certificatePEM: leaf, key: try PrivateKey(pem: directory.read("key.pem"))))
    }

    @Test func signerRefusals() throws {
        let pki = try TestPKI.get()
        let csr = try CSR.create(key: pki.ecLeafKey, commonName: "a.example.com", subjectAlternativeNames: ["a.example.com"])
        func leaf(issuer: String, issuerKey: PrivateKey, csr: String = csr, names: [String] = ["a.example.com"]) throws {
            _ = try CertificateSigner.leaf(
                csrPEM: csr, commonName: "a.example.com", subjectAlternativeNames: names,
                issuerCertificatePEM: issuer, issuerKey: issuerKey,
                notBefore: TestPKI.leafNotBefore, notAfter: TestPKI.leafNotAfter)
        }
        #expect(PKIError.kind { try leaf(issuer: pki.intermediate, issuerKey: pki.rootKey) } == .keyMismatch)
        #expect(PKIError.kind { try leaf(issuer: pki.ecLeaf, issuerKey: pki.ecLeafKey) } == .invalidInput)
        #expect(PKIError.kind { try leaf(issuer: pki.intermediate, issuerKey: pki.intermediateKey, names: []) } == .invalidInput)
        let misSigned = PEMSurgery.flippingLastByte(csr, label: "CERTIFICATE REQUEST")
        #expect(PKIError.kind { try leaf(issuer: pki.intermediate, issuerKey: pki.intermediateKey, csr: misSigned) } == .badSignature)
        #expect(
            PKIError.kind {
                _ = try CertificateSigner.leaf(
                    csrPEM: csr, commonName: "a.example.com", subjectAlternativeNames: ["a.example.com"],
                    issuerCertificatePEM: pki.intermediate, issuerKey: pki.intermediateKey,
                    notBefore: TestPKI.leafNotAfter, notAfter: TestPKI.leafNotBefore)
            } == .invalidInput)
        // pathlen:0 — the intermediate may not sign another CA.
        #expect(
            PKIError.kind {
                _ = try CertificateSigner.intermediate(
                    key: pki.ecLeafKey, commonName: "Sub CA", organization: "SCM Test",
                    issuerCertificatePEM: pki.intermediate, issuerKey: pki.intermediateKey,
                    notBefore: TestPKI.intermediateNotBefore, notAfter: TestPKI.intermediateNotAfter)
            } == .invalidInput)

        let directory = try TemporaryDirectory()
        try OpenSSLCLI.ok(
            ["req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "weak.key", "-subj", "/CN=weak", "-out", "weak.csr"],
            in: directory)
        let weak = #expect(throws: PKIError.self) {
            try leaf(issuer: pki.intermediate, issuerKey: pki.intermediateKey, csr: try directory.read("weak.csr"))
        }
        #expect(weak?.kind == .unsupportedKey)
        #expect(weak?.message.contains("RSA 1024") == true)
    }

    @Test func keyMatching() throws {
        let pki = try TestPKI.get()
        #expect(X509.keyMatches(certificatePEM: pki.ecLeaf, key: pki.ecLeafKey))
        #expect(X509.keyMatches(certificatePEM: pki.rsaLeaf, key: pki.rsaLeafKey))
        #expect(!X509.keyMatches(certificatePEM: pki.ecLeaf, key: pki.rsaLeafKey))
        #expect(!X509.keyMatches(certificatePEM: pki.ecLeaf, key: pki.intermediateKey))
        #expect(!X509.keyMatches(certificatePEM: "garbage", key: pki.ecLeafKey))
    }

    @Test func bundles() throws {
        let pki = try TestPKI.get()
        let bundle = pki.ecLeaf + pki.ecLeafKey.pem + "\n" + pki.intermediate + pki.root
        let infos = try X509.parseBundle(bundle)
        #expect(infos.map(\.commonName) == ["www.example.com", "SCM Test DV CA", "SCM Test Root CA"])
        #expect(try X509.parse(pem: bundle).commonName == "www.example.com")

        let damagedMiddle = pki.ecLeaf + PEMSurgery.pem(Array(PEMSurgery.der(pki.intermediate).dropLast(20)), label: "CERTIFICATE") + pki.root
        let damaged = #expect(throws: PKIError.self) { try X509.parseBundle(damagedMiddle) }
        #expect(damaged?.kind == .malformed)
        #expect(damaged?.message.contains("number 2 of 3") == true)

        for text in ["", "hello", pki.ecLeafKey.pem] {
            let error = #expect(throws: PKIError.self) { try X509.parseBundle(text) }
            #expect(error?.kind == .malformed)
        }
    }

    @Test func chainVerification() throws {
        let pki = try TestPKI.get()
        try X509.verifyChain(leaf: pki.ecLeaf, intermediates: [pki.intermediate], roots: [pki.root], at: TestPKI.inside)
        try X509.verifyChain(
            leaf: pki.rsaLeaf, intermediates: [pki.intermediate], roots: [pki.root], at: TestPKI.leafNotAfter.addingTimeInterval(-1))
        // The leaf PEM may carry its chain; an intermediate string may hold several certificates.
        try X509.verifyChain(
            leaf: pki.ecLeaf + pki.intermediate, intermediates: [pki.intermediate + pki.root], roots: [pki.root],
            at: TestPKI.leafNotBefore)

        func failure(_ leaf: String, _ intermediates: [String], _ roots: [String], at: Date) -> PKIError? {
            #expect(throws: PKIError.self) { try X509.verifyChain(leaf: leaf, intermediates: intermediates, roots: roots, at: at) }
        }
        // OpenSSL counts notAfter itself as expired, and so does CertificateInfo.isValid(at:).
        #expect(failure(pki.ecLeaf, [pki.intermediate], [pki.root], at: TestPKI.leafNotAfter) != nil)
        let expired = failure(pki.ecLeaf, [pki.intermediate], [pki.root], at: TestPKI.leafNotAfter.addingTimeInterval(1))
        #expect(expired?.kind == .chainInvalid)
        #expect(expired?.message == "certificate has expired (depth 0: CN=www.example.com,O=Example Ltd,L=Shenzhen,ST=Guangdong,C=CN)")
        let early = failure(pki.ecLeaf, [pki.intermediate], [pki.root], at: TestPKI.leafNotBefore.addingTimeInterval(-1))
        #expect(early?.message.hasPrefix("certificate is not yet valid") == true)

        let otherRootKey = try PrivateKey(generating: .ecP256)
        let otherRoot = try CertificateSigner.selfSignedRoot(
            key: otherRootKey, commonName: "SCM Test Root CA", organization: "SCM Test", country: "CN",
            notBefore: TestPKI.rootNotBefore, notAfter: TestPKI.rootNotAfter)
        let wrongRoot = failure(pki.ecLeaf, [pki.intermediate], [otherRoot], at: TestPKI.inside)
        #expect(wrongRoot?.kind == .chainInvalid)
        #expect(wrongRoot?.message.contains("certificate signature failure") == true || wrongRoot?.message.contains("unable to get") == true)
        let missing = failure(pki.ecLeaf, [], [pki.root], at: TestPKI.inside)
        #expect(missing?.message.hasPrefix("unable to get local issuer certificate") == true)
        let noRoot = failure(pki.ecLeaf, [pki.intermediate], [], at: TestPKI.inside)
        #expect(noRoot?.kind == .invalidInput)
    }

    @Test func pemDetection() throws {
        let pki = try TestPKI.get()
        #expect(X509.isPEM(pki.root))
        #expect(X509.isPEM("  \(pki.ecLeafKey.pem)"))
        #expect(!X509.isPEM(""))
        #expect(!X509.isPEM("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
        #expect(!X509.isPEM(String(decoding: PEMSurgery.der(pki.root), as: UTF8.self)))
        #expect(!X509.isPEM("-----BEGIN CERTIFICATE-----\nAAAA\n"))
    }
}

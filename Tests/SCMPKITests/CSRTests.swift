import Foundation
import SCMCore
import SCMPKI
import Testing

@Suite struct CSRTests {
    @Test func createsACSRThatOpenSSLVerifies() throws {
        let key = try TestPKI.get().rsaLeafKey
        let csr = try CSR.create(
            key: key, commonName: "www.example.com",
            subjectAlternativeNames: ["www.example.com", "example.com", "192.0.2.10", "2001:db8::1"],
            organization: "Example Ltd", country: "CN", province: "Guangdong", city: "Shenzhen")
        #expect(csr.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----"))

        let directory = try TemporaryDirectory()
        try directory.write("csr.pem", csr)
        let verified = try OpenSSLCLI.ok(["req", "-in", "csr.pem", "-noout", "-verify"], in: directory)
        #expect(verified.contains("verify OK"))
        let subject = try OpenSSLCLI.ok(["req", "-in", "csr.pem", "-noout", "-subject", "-nameopt", "RFC2253"], in: directory)
        #expect(OpenSSLCLI.field("subject", in: subject) == "CN=www.example.com,O=Example Ltd,L=Shenzhen,ST=Guangdong,C=CN")
        let text = try OpenSSLCLI.ok(["req", "-in", "csr.pem", "-noout", "-text"], in: directory)
        #expect(text.contains("DNS:www.example.com, DNS:example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1"))

        let info = try CSR.parse(pem: csr)
        #expect(info.commonName == "www.example.com")
        #expect(info.subjectAlternativeNames == ["www.example.com", "example.com", "192.0.2.10", "2001:db8::1"])
        #expect(info.organization == "Example Ltd")
        #expect(info.country == "CN")
        #expect(info.province == "Guangdong")
        #expect(info.city == "Shenzhen")
        #expect(info.keyDescription == "RSA 2048")
        #expect(info.keyAlgorithm == .rsa2048)
        #expect(info.domainNames == ["www.example.com", "example.com", "192.0.2.10", "2001:db8::1"])

        // Field limits count characters, not bytes: a 40-character Chinese company name fits.
        let company = String(repeating: "深圳市示例科技", count: 5) + "有限公司有"
        let chinese = try CSR.parse(
            pem: CSR.create(
                key: key, commonName: "www.example.com", subjectAlternativeNames: ["www.example.com"],
                organization: company, country: "cn"))
        #expect(chinese.organization == company)
        #expect(chinese.country == "CN")
        #expect(chinese.subject == "CN=www.example.com,O=\(company),C=CN")
        #expect(CSR.publicKeyMatches(csrPEM: csr, key: key))
        #expect(!CSR.publicKeyMatches(csrPEM: csr, key: try TestPKI.get().ecLeafKey))
    }

    @Test func readsACSRMadeByOpenSSL() throws {
        let directory = try TemporaryDirectory()
        try OpenSSLCLI.ok(
            [
                "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-subj", "/CN=x",
                "-addext", "subjectAltName=DNS:a.example.com", "-out", "csr.pem",
            ], in: directory)
        let csr = try directory.read("csr.pem")
        let info = try CSR.parse(pem: csr)
        #expect(info.commonName == "x")
        #expect(info.subjectAlternativeNames == ["a.example.com"])
        #expect(info.keyDescription == "RSA 2048")
        #expect(info.keyAlgorithm == .rsa2048)
        #expect(info.organization == nil)
        #expect(info.subject == "CN=x")
        #expect(CSR.publicKeyMatches(csrPEM: csr, key: try PrivateKey(pem: directory.read("key.pem"))))
    }

    @Test func refusesAMisSignedCSR() throws {
        let csr = try CSR.create(
            key: TestPKI.get().rsaLeafKey, commonName: "www.example.com", subjectAlternativeNames: ["www.example.com"])
        let damaged = PEMSurgery.flippingLastByte(csr, label: "CERTIFICATE REQUEST")
        let directory = try TemporaryDirectory()
        try directory.write("csr.pem", damaged)
        // OpenSSL 3.0's `req -verify` exits 0 even on failure: judge by what it prints.
        let judged = try OpenSSLCLI.run(["req", "-in", "csr.pem", "-noout", "-verify"], in: directory)
        #expect(judged.all.contains("verify failure") || judged.status != 0)

        let error = #expect(throws: PKIError.self) { try CSR.parse(pem: damaged) }
        #expect(error?.kind == .badSignature)
        #expect(error?.message.contains("signature does not match") == true)
        #expect(!CSR.publicKeyMatches(csrPEM: damaged, key: try TestPKI.get().rsaLeafKey))
    }

    @Test func refusesTextThatIsNoCSR() throws {
        for text in ["", "not a csr", try TestPKI.get().root] {
            let error = #expect(throws: PKIError.self) { try CSR.parse(pem: text) }
            #expect(error?.kind == .malformed)
        }
    }

    @Test func refusesBadSubjectsAndNames() throws {
        let key = try TestPKI.get().ecLeafKey
        let cases: [(String, [String], String?)] = [
            ("www.example.com", ["www.example.com"], "China"),  // country not two letters
            ("www.example.com", ["a.example.com,IP:10.0.0.1"], nil),  // no config-syntax smuggling
            ("www.example.com", ["bücher.example"], nil),  // Unicode must be Punycode first
            (String(repeating: "a", count: 65), ["a.example.com"], nil),
            ("line\nbreak", ["a.example.com"], nil),
        ]
        for (commonName, names, country) in cases {
            let error = #expect(throws: PKIError.self) {
                try CSR.create(key: key, commonName: commonName, subjectAlternativeNames: names, country: country)
            }
            #expect(error?.kind == .invalidInput, "\(commonName) \(names)")
        }
    }
}

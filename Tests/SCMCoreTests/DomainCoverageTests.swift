import Foundation
import Testing

@testable import SCMCore

@Suite("RULES.md §5: the name to prove, and §4: what a certificate covers")
struct DomainCoverageTests {
    @Test(arguments: [
        ("*.example.com", DomainType.wildcard, "example.com"),
        ("www.example.com", .single, "example.com"),
        ("WWW.Example.com", .single, "example.com"),
        ("shop.example.com", .single, "shop.example.com"),
        ("example.com", .single, "example.com"),
        ("www.com", .single, "www.com"),
        ("www.a.example.com", .single, "a.example.com"),
        ("www.example.com", .multiple, "www.example.com"),
        ("*.example.com", .multiple, "example.com"),
        ("api.example.com", .multiple, "api.example.com"),
        ("8.8.8.8", .single, "8.8.8.8"),
    ])
    func verificationName(domain: String, type: DomainType, expected: String) {
        #expect(domainVerificationName(for: domain, domainType: type) == expected)
        #expect(domainVerificationHost(for: domain, domainType: type) == "_dnsauth." + expected)
    }

    @Test func wildcardCoversExactlyOneMoreLabel() {
        #expect(wildcardCovers("*.example.com", "a.example.com"))
        #expect(wildcardCovers("*.example.com", "A.Example.COM."))
        #expect(!wildcardCovers("*.example.com", "a.a.example.com"))
        #expect(!wildcardCovers("*.example.com", "example.com"))
        #expect(!wildcardCovers("*.example.com", ".example.com"))
        #expect(!wildcardCovers("*.example.com", "aexample.com"))
        #expect(!wildcardCovers("*.example.com", "a.example.org"))
        #expect(wildcardCovers("*.bücher.example", "www.xn--bcher-kva.example"))
    }

    @Test func aPlainNameCoversOnlyItself() {
        #expect(wildcardCovers("example.com", "EXAMPLE.com"))
        #expect(!wildcardCovers("example.com", "www.example.com"))
        #expect(!wildcardCovers("a.example.com", "*.example.com"))
        #expect(!wildcardCovers("", ""))
    }

    @Test func certificateCoversAnyOfItsNames() {
        let domains = ["example.com", "*.example.com", "api.example.org"]
        #expect(certificateCovers(domains: domains, name: "example.com"))
        #expect(certificateCovers(domains: domains, name: "www.example.com"))
        #expect(certificateCovers(domains: domains, name: "api.example.org"))
        #expect(!certificateCovers(domains: domains, name: "a.b.example.com"))
        #expect(!certificateCovers(domains: domains, name: "example.org"))
        #expect(!certificateCovers(domains: [], name: "example.com"))
    }
}

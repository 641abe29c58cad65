import Foundation
import Testing

@testable import SCMCore

@Suite("RFC 3492 Punycode")
struct PunycodeTests {
    /// RFC 3492 §7.1 sample strings (A), (B), (J), (L), (S), checked against Python's codec.
    static let samples: [(String, String)] = [
        (
            "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}",
            "egbpdaj6bu4bxfgehfvwxn"
        ),
        ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
        ("Porqu\u{E9}nopuedensimplementehablarenEspa\u{F1}ol", "PorqunopuedensimplementehablarenEspaol-fmd56a"),
        ("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
        ("-> $1.00 <-", "-> $1.00 <--"),
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        ("中国", "fiqs8s"),
        ("правительство", "80aealotwbjpid2k"),
    ]

    @Test(arguments: samples)
    func encode(unicode: String, punycode: String) {
        #expect(Punycode.encode(Array(unicode.unicodeScalars)) == punycode)
    }

    @Test(arguments: samples)
    func decode(unicode: String, punycode: String) {
        #expect(Punycode.decode(punycode).map { String(String.UnicodeScalarView($0)) } == unicode)
    }

    @Test func decodeRejectsMalformedInput() {
        #expect(Punycode.decode("bcher-kv!") == nil)
        #expect(Punycode.decode("bücher-kva") == nil)
        #expect(Punycode.decode("99999999999999999999") == nil)  // overflow
        #expect(Punycode.decode("a-") != nil)
    }

    @Test func roundTripsEveryScriptSample() {
        let words = ["ελληνικά", "日本語ドメイン", "한국어", "עברית", "हिन्दी", "ไทย", "ÅÄÖåäö", "x\u{301}y"]
        for word in words {
            let scalars = Array(word.unicodeScalars)
            let encoded = Punycode.encode(scalars)
            #expect(encoded.flatMap(Punycode.decode) == scalars, "\(word)")
        }
    }
}

@Suite("RULES.md §4: domain names")
struct DomainNameTests {
    private func normalized(_ input: String, wildcard: Bool = false) -> String? {
        try? DomainName.normalize(input, allowWildcard: wildcard)
    }

    private func message(_ input: String, wildcard: Bool = false, field: String = ApplicationField.domain) -> String? {
        refusal { () throws(Refusal) in _ = try DomainName.normalize(input, allowWildcard: wildcard, field: field) }?
            .message
    }

    @Test func trimsAndLowercases() {
        #expect(normalized("  WWW.Example.COM \n") == "www.example.com")
        #expect(normalized("example.com.") == "example.com")
        #expect(normalized("a-b.c-d.example") == "a-b.c-d.example")
        #expect(normalized("3com.example") == "3com.example")
    }

    @Test func internationalizedNamesBecomePunycode() {
        #expect(normalized("bücher.example") == "xn--bcher-kva.example")
        #expect(normalized("BÜCHER.Example") == "xn--bcher-kva.example")
        #expect(normalized("правительство.рф") == "xn--80aealotwbjpid2k.xn--p1ai")
        #expect(normalized("例え.テスト") == "xn--r8jz45g.xn--zckzah")
        #expect(normalized("中国。中国") == "xn--fiqs8s.xn--fiqs8s")  // ideographic full stop
        #expect(normalized("www.münchen.de") == "www.xn--mnchen-3ya.de")
        #expect(normalized("*.bücher.example", wildcard: true) == "*.xn--bcher-kva.example")
    }

    @Test func compatibilityFormsAreFoldedAsUTS46Maps() {
        // Full-width letters and full stop (an East Asian keyboard's IME) are the plain name.
        #expect(normalized("ｗｗｗ.example.com") == "www.example.com")
        #expect(normalized("ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ") == "www.example.com")
        #expect(normalized("ｓｈｏｐ｡example.com") == "shop.example.com")  // half-width ideographic full stop
        #expect(normalized("ﬁle.example.com") == "file.example.com")  // the "fi" ligature
        #expect(normalized("ｂüｃｈｅｒ.example") == "xn--bcher-kva.example")
    }

    @Test func unicodeIsPutInNFCFirst() {
        // "u" + combining diaeresis is the same name as "ü".
        #expect(normalized("bu\u{308}cher.example") == "xn--bcher-kva.example")
    }

    @Test func punycodeInputIsKeptWhenValid() {
        #expect(normalized("xn--bcher-kva.example") == "xn--bcher-kva.example")
        #expect(normalized("XN--BCHER-KVA.example") == "xn--bcher-kva.example")
        #expect(
            message("xn--zz!.example")
                == "Domain name: 'xn--zz!.example' contains '!', which is not allowed in a domain name; each label must be 1–63 letters, digits or hyphens."
        )
        #expect(
            message("xn--abc.example")
                == "Domain name: 'xn--abc.example' has the label 'xn--abc', which starts with 'xn--' but is not valid Punycode."
        )
    }

    @Test func refusesWhatCannotBeConvertedToPunycode() {
        #expect(
            message("☃.example")
                == "Domain name: '☃.example' contains '☃' (U+2603), which cannot be converted to Punycode; a domain name may contain only letters, digits and hyphens."
        )
        #expect(message("shop😀.example")?.contains("cannot be converted to Punycode") == true)
        #expect(message("a·b.example")?.contains("cannot be converted to Punycode") == true)
    }

    @Test func emptyLabel() {
        #expect(
            message("a..example.com", field: ApplicationField.sans)
                == "Additional domains: 'a..example.com' has an empty label; each label must be 1–63 letters, digits or hyphens."
        )
        #expect(message(".example.com")?.contains("empty label") == true)
        #expect(message("example.com..")?.contains("empty label") == true)
    }

    @Test func labelCharacters() {
        #expect(
            message("my_host.example.com")
                == "Domain name: 'my_host.example.com' contains '_', which is not allowed in a domain name; each label must be 1–63 letters, digits or hyphens."
        )
        #expect(
            message("a b.example.com")
                == "Domain name: 'a b.example.com' contains a space; a domain name cannot contain spaces.")
        #expect(message("http://example.com")?.contains("contains ':'") == true)
    }

    @Test func hyphens() {
        #expect(
            message("-a.example.com")
                == "Domain name: '-a.example.com' has the label '-a', which starts or ends with a hyphen; a label must begin and end with a letter or digit."
        )
        #expect(message("a-.example.com")?.contains("starts or ends with a hyphen") == true)
        #expect(normalized("a--b.example.com") == "a--b.example.com")
        #expect(normalized("abc--d.example.com") == "abc--d.example.com")
    }

    @Test func hyphensInThirdAndFourthPlaceAreReservedForPunycode() {
        #expect(
            message("ab--cd.example.com")
                == "Domain name: 'ab--cd.example.com' has the label 'ab--cd', with '--' as its 3rd and 4th characters; IDNA reserves that for Punycode labels beginning with 'xn--'."
        )
        #expect(message("www.r1--x.example.com")?.contains("'r1--x'") == true)
        #expect(message("äb--c.example")?.contains("IDNA reserves") == true)
        #expect(normalized("xn--bcher-kva.example") == "xn--bcher-kva.example")
    }

    @Test(arguments: [62, 63, 64])
    func labelLength(length: Int) {
        let name = String(repeating: "a", count: length) + ".example.com"
        if length <= 63 {
            #expect(normalized(name) == name)
        } else {
            #expect(message(name)?.contains("has a label of 64 characters; each label must be 1–63") == true)
        }
    }

    @Test func labelLengthCountsThePunycodeForm() {
        // 30 CJK characters: 30 characters as typed, 72 once converted (Python agrees).
        let label = String(String.UnicodeScalarView((0..<30).map { Unicode.Scalar(0x4E00 + $0 * 37)! }))
        #expect(
            message(label + ".example")?.contains("has a label of 72 characters once converted to Punycode") == true)
    }

    @Test(arguments: [252, 253, 254])
    func nameLength(length: Int) throws {
        var labels: [String] = []
        var remaining = length - "example.com".count
        while remaining > 0 {
            let size = min(63, remaining - 1)
            labels.append(String(repeating: "a", count: size))
            remaining -= size + 1
        }
        let name = (labels + ["example.com"]).joined(separator: ".")
        try #require(name.count == length)
        if length <= 253 {
            #expect(normalized(name) == name)
        } else {
            #expect(
                message(name)?.contains("is 254 characters long; a domain name can be at most 253 characters") == true)
        }
    }

    @Test func atLeastTwoLabels() {
        #expect(
            message("localhost")
                == "Domain name: 'localhost' is not a fully qualified domain name; it needs at least two labels, like 'example.com'."
        )
        #expect(message("") == "Domain name: enter a domain name, such as 'www.example.com'.")
        #expect(message("   ")?.contains("enter a domain name") == true)
    }

    @Test func ipAddressesAreNotDomainNames() {
        #expect(message("8.8.8.8") == "Domain name: '8.8.8.8' is an IP address, not a domain name.")
        #expect(message("example.123")?.contains("all-digit label") == true)
    }

    @Test func wildcardOnlyWhenAskedForAndOnlyAsTheFirstLabel() {
        #expect(normalized("*.Example.com", wildcard: true) == "*.example.com")
        #expect(message("*.example.com") == "Domain name: '*.example.com' is a wildcard name; '*' is not allowed here.")
        #expect(
            message("*.*.example.com", wildcard: true)
                == "Domain name: '*.*.example.com' may contain '*' only once, as its whole first label, like '*.example.com'."
        )
        #expect(message("a*.example.com", wildcard: true)?.contains("only once, as its whole first label") == true)
        #expect(message("a.*.example.com", wildcard: true)?.contains("only once, as its whole first label") == true)
        #expect(message("*example.com", wildcard: true)?.contains("only once, as its whole first label") == true)
        #expect(message("*.com", wildcard: true)?.contains("at least two labels") == true)
        #expect(message("a.*.example.com")?.contains("contains '*', which is not allowed here") == true)
    }

    @Test func refusalsCarryTheField() {
        let refused = refusal { () throws(Refusal) in _ = try DomainName.normalize("a..b", field: ApplicationField.sans)
        }
        #expect(refused?.code == .invalidInput)
        #expect(refused?.field == "sans")
    }

    // MARK: IPv4

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "203.0.114.1", "100.128.0.1", "172.32.0.1", "223.255.255.254"])
    func publicIPv4(address: String) {
        #expect(DomainName.isIPv4(address))
        #expect(DomainName.isPublicIPv4(address))
        #expect(DomainName.reservedIPv4Range(address) == nil)
    }

    @Test(arguments: [
        ("10.1.2.3", "10.0.0.0/8"), ("172.16.0.1", "172.16.0.0/12"), ("172.31.255.255", "172.16.0.0/12"),
        ("192.168.1.1", "192.168.0.0/16"), ("127.0.0.1", "127.0.0.0/8"), ("0.0.0.0", "0.0.0.0/8"),
        ("169.254.1.1", "169.254.0.0/16"), ("100.64.0.1", "100.64.0.0/10"), ("192.0.2.1", "192.0.2.0/24"),
        ("198.51.100.7", "198.51.100.0/24"), ("203.0.113.9", "203.0.113.0/24"), ("198.18.0.1", "198.18.0.0/15"),
        ("224.0.0.1", "224.0.0.0/4"), ("240.0.0.1", "240.0.0.0/4"), ("255.255.255.255", "240.0.0.0/4"),
        ("192.0.0.8", "192.0.0.0/24"), ("192.88.99.1", "192.88.99.0/24"),
    ])
    func nonPublicIPv4(address: String, range: String) {
        #expect(DomainName.isIPv4(address))
        #expect(!DomainName.isPublicIPv4(address))
        #expect(DomainName.reservedIPv4Range(address)?.hasPrefix(range) == true)
    }

    @Test(arguments: [
        "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1..2.3", "", " 1.2.3.4", "١.٢.٣.٤",
    ])
    func notIPv4(text: String) {
        #expect(!DomainName.isIPv4(text))
        #expect(!DomainName.isPublicIPv4(text))
    }

    // MARK: Special TLDs

    @Test(arguments: ["mit.edu", "www.nasa.gov", "tsinghua.edu.cn", "*.cs.mit.edu", "MIT.EDU.", "edu", "edu.cn"])
    func specialTLD(name: String) {
        #expect(DomainName.isSpecialTLD(name))
    }

    @Test(arguments: ["example.com", "edu.com", "myedu.cn", "gov.uk.example", "education.org", "sub.edu.com.cn"])
    func notSpecialTLD(name: String) {
        #expect(!DomainName.isSpecialTLD(name))
    }
}

import Foundation

/// The domain-name rules of RULES.md §4: what a certificate may name, written as the server stores
/// it (lowercase ASCII, internationalized labels in Punycode `xn--`, never raw Unicode).
public enum DomainName {
    /// DNS limits (RFC 1035 §2.3.4).
    public static let maximumLabelLength = 63
    public static let maximumNameLength = 253

    /// Top-level domains for which DV certificates cannot be issued (RULES.md §1).
    public static let specialTLDs = ["edu", "gov", "edu.cn"]

    /// Trims, lowercases and converts `input` to the ASCII form the server stores, or refuses it
    /// with a sentence that names `field` and the broken rule.
    ///
    /// - Unicode input is mapped as IDNA (UTS #46) does: compatibility forms folded (NFKC, so
    ///   full-width `ｗｗｗ` is `www` and `．` is `.`), lowercased, then each non-ASCII label is
    ///   converted to Punycode (`bücher.example` → `xn--bcher-kva.example`). A label may hold letters of any
    ///   script, combining marks, decimal digits and `-`; anything else (symbols, emoji,
    ///   punctuation) is refused as "cannot be converted to Punycode". Labels already written as
    ///   `xn--…` must be valid Punycode.
    /// - The ideographic full stops `。．｡` separate labels like `.`; one trailing `.` (the absolute
    ///   form `example.com.`) is dropped.
    /// - DNS rules: at least two labels; each label 1–63 characters (after conversion) of letters,
    ///   digits and hyphens, not starting or ending with a hyphen, and without `--` as its 3rd and
    ///   4th characters unless it is an `xn--` label (IDNA reserves that form); the whole name ≤ 253
    ///   characters; the last label not all digits (that would be an IP address, see
    ///   `isPublicIPv4`).
    /// - `*` is allowed only as the whole first label `*.` and only when `allowWildcard` is true;
    ///   `*.*.example.com`, `a*.example.com` and `*` anywhere else are refused. The `*.` counts
    ///   toward the 253 characters.
    public static func normalize(
        _ input: String, allowWildcard: Bool = false, field: String = ApplicationField.domain
    ) throws(Refusal) -> String {
        let label = ApplicationField.label(for: field)
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = quoted(trimmed)
        func refuse(_ sentence: String) -> Refusal { .invalid(field, "\(label): \(sentence)") }

        guard !trimmed.isEmpty else { throw refuse("enter a domain name, such as 'www.example.com'.") }
        if trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw refuse("\(shown) contains a space; a domain name cannot contain spaces.")
        }
        if isIPv4(trimmed) {
            throw refuse("\(shown) is an IP address, not a domain name.")
        }

        // NFKC before and after lowercasing, as UTS #46 maps: a full-width or other compatibility
        // letter must become its plain letter, not a Punycode label of its own.
        var name = trimmed.precomposedStringWithCompatibilityMapping.lowercased()
            .precomposedStringWithCompatibilityMapping
        name = String(name.unicodeScalars.map { ideographicStops.contains($0) ? "." : Character($0) })
        if name.hasSuffix(".") && !name.hasSuffix("..") { name.removeLast() }

        var wildcard = false
        if name.hasPrefix("*.") {
            guard allowWildcard else {
                throw refuse("\(shown) is a wildcard name; '*' is not allowed here.")
            }
            wildcard = true
            name.removeFirst(2)
        }
        if name.contains("*") {
            throw refuse(
                allowWildcard
                    ? "\(shown) may contain '*' only once, as its whole first label, like '*.example.com'."
                    : "\(shown) contains '*', which is not allowed here; enter a name like 'www.example.com'.")
        }

        let labels = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var ascii: [String] = []
        for original in labels {
            guard !original.isEmpty else {
                throw refuse("\(shown) has an empty label; each label must be 1–63 letters, digits or hyphens.")
            }
            let scalars = Array(original.unicodeScalars)
            for scalar in scalars where !isAllowedInLabel(scalar) {
                if scalar.isASCII {
                    throw refuse(
                        "\(shown) contains '\(Character(scalar))', which is not allowed in a domain name; each label must be 1–63 letters, digits or hyphens."
                    )
                }
                throw refuse(
                    "\(shown) contains '\(Character(scalar))' (\(codePoint(scalar))), which cannot be converted to Punycode; a domain name may contain only letters, digits and hyphens."
                )
            }
            if original.hasPrefix("-") || original.hasSuffix("-") {
                throw refuse(
                    "\(shown) has the label \(quoted(original)), which starts or ends with a hyphen; a label must begin and end with a letter or digit."
                )
            }
            let isALabel = original.hasPrefix("xn--") && scalars.allSatisfy(\.isASCII)
            if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-", !isALabel {
                throw refuse(
                    "\(shown) has the label \(quoted(original)), with '--' as its 3rd and 4th characters; IDNA reserves that for Punycode labels beginning with 'xn--'."
                )
            }
            let encoded: String
            if scalars.allSatisfy(\.isASCII) {
                encoded = original
                if original.hasPrefix("xn--") && !isValidALabel(original) {
                    throw refuse(
                        "\(shown) has the label \(quoted(original)), which starts with 'xn--' but is not valid Punycode."
                    )
                }
            } else {
                guard let punycode = Punycode.encode(scalars) else {
                    throw refuse("\(shown) cannot be converted to Punycode.")
                }
                encoded = "xn--" + punycode
            }
            guard encoded.count <= maximumLabelLength else {
                let converted = encoded == original ? "" : " once converted to Punycode"
                throw refuse(
                    "\(shown) has a label of \(encoded.count) characters\(converted); each label must be 1–63 letters, digits or hyphens."
                )
            }
            ascii.append(encoded)
        }
        guard ascii.count >= 2 else {
            throw refuse(
                "\(shown) is not a fully qualified domain name; it needs at least two labels, like 'example.com'.")
        }
        if let last = ascii.last, last.allSatisfy(\.isNumber) {
            throw refuse("\(shown) ends in an all-digit label; the last label of a domain name must contain a letter.")
        }
        let result = (wildcard ? "*." : "") + ascii.joined(separator: ".")
        guard result.count <= maximumNameLength else {
            throw refuse("\(shown) is \(result.count) characters long; a domain name can be at most 253 characters.")
        }
        return result
    }

    /// True for `*.` + a name.
    public static func isWildcard(_ name: String) -> Bool { name.hasPrefix("*.") }

    /// A dotted-quad IPv4 address: four decimal numbers 0–255 without leading zeros (`010.1.1.1`
    /// is refused as ambiguous), nothing else.
    public static func isIPv4(_ input: String) -> Bool { ipv4Octets(input) != nil }

    /// A public IPv4 address: `isIPv4` and in none of the special-purpose ranges of the IANA IPv4
    /// Special-Purpose Address Registry (RFC 6890): private (10/8, 172.16/12, 192.168/16),
    /// loopback, link-local, shared CGN space, documentation, benchmarking, multicast, reserved,
    /// "this network" and broadcast. Only these may be named by an OV-family certificate
    /// (RULES.md §4).
    public static func isPublicIPv4(_ input: String) -> Bool {
        guard let octets = ipv4Octets(input) else { return false }
        return reservedRange(of: octets) == nil
    }

    /// The special-purpose range an IPv4 address falls into, e.g. "192.168.0.0/16 (private)"; nil
    /// for a public address or for text that is not an IPv4 address.
    public static func reservedIPv4Range(_ input: String) -> String? {
        ipv4Octets(input).flatMap(reservedRange(of:))
    }

    /// True when `name` is, or lies under, one of `specialTLDs` (`mit.edu`, `*.nasa.gov`,
    /// `tsinghua.edu.cn`): DV certificates cannot be issued for it (RULES.md §1, §3). Accepts
    /// any case, a leading `*.` and a trailing dot.
    public static func isSpecialTLD(_ name: String) -> Bool {
        var name = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if name.hasPrefix("*.") { name.removeFirst(2) }
        if name.hasSuffix(".") { name.removeLast() }
        return specialTLDs.contains { name == $0 || name.hasSuffix("." + $0) }
    }

    // MARK: - Internals

    private static let ideographicStops: Set<Unicode.Scalar> = ["\u{3002}", "\u{FF0E}", "\u{FF61}"]

    /// Lowercase ASCII letters, digits, hyphen; beyond ASCII, letters of any script, combining
    /// marks and decimal digits (what IDNA can carry in a label).
    private static func isAllowedInLabel(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "0"..."9", "-": return true
            default: return false
            }
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// `xn--` + Punycode that decodes to a label with at least one non-ASCII character and
    /// encodes back to itself.
    private static func isValidALabel(_ label: String) -> Bool {
        let body = String(label.dropFirst(4))
        guard !body.isEmpty, let decoded = Punycode.decode(body), decoded.contains(where: { !$0.isASCII }),
            decoded.allSatisfy(isAllowedInLabel), Punycode.encode(decoded) == body
        else { return false }
        return true
    }

    static func ipv4Octets(_ input: String) -> [UInt8]? {
        let parts = input.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    private static let reservedRanges: [(network: UInt32, prefix: UInt32, name: String)] = [
        (0x0000_0000, 8, "0.0.0.0/8 (\"this network\")"),
        (0x0A00_0000, 8, "10.0.0.0/8 (private)"),
        (0x6440_0000, 10, "100.64.0.0/10 (shared carrier-grade NAT space)"),
        (0x7F00_0000, 8, "127.0.0.0/8 (loopback)"),
        (0xA9FE_0000, 16, "169.254.0.0/16 (link-local)"),
        (0xAC10_0000, 12, "172.16.0.0/12 (private)"),
        (0xC000_0000, 24, "192.0.0.0/24 (IETF protocol assignments)"),
        (0xC000_0200, 24, "192.0.2.0/24 (documentation)"),
        (0xC058_6300, 24, "192.88.99.0/24 (6to4 relay anycast)"),
        (0xC0A8_0000, 16, "192.168.0.0/16 (private)"),
        (0xC612_0000, 15, "198.18.0.0/15 (benchmarking)"),
        (0xC633_6400, 24, "198.51.100.0/24 (documentation)"),
        (0xCB00_7100, 24, "203.0.113.0/24 (documentation)"),
        (0xE000_0000, 4, "224.0.0.0/4 (multicast)"),
        (0xF000_0000, 4, "240.0.0.0/4 (reserved, including the broadcast address)"),
    ]

    private static func reservedRange(of octets: [UInt8]) -> String? {
        let address = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return reservedRanges.first { range in
            let mask: UInt32 = range.prefix == 0 ? 0 : ~UInt32(0) << (32 - range.prefix)
            return address & mask == range.network
        }?.name
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// `'text'` for a message, shortened to 80 characters so a pasted novel does not flood the page.
func quoted(_ text: String) -> String {
    text.count > 80 ? "'\(text.prefix(77))…'" : "'\(text)'"
}

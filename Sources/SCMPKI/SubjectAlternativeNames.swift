internal import COpenSSL
internal import Foundation

/// The subjectAltName extension: DNS names and IP addresses, built one entry at a time (never
/// through OpenSSL's "DNS:a,IP:b" configuration syntax, so a name cannot smuggle in entries).
final class GeneralNamesHandle {
    let pointer: OpaquePointer

    /// Each entry that reads as an IPv4 or IPv6 address becomes an iPAddress, any other a dNSName.
    init(_ names: [String]) throws(PKIError) {
        guard let stack = GENERAL_NAMES_new() else { throw .fromQueue(.openSSL, "could not allocate names") }
        pointer = stack
        for name in names {
            let isIP = Self.ipAddressBytes(name) != nil
            if !isIP {
                guard !name.isEmpty, name.utf8.count <= 253,
                    name.unicodeScalars.allSatisfy({ $0.isASCII && (Self.hostCharacters.contains($0)) })
                else {
                    throw PKIError(
                        .invalidInput,
                        "\"\(name)\" is neither an IP address nor a DNS name of ASCII letters, digits, '-', '.', '*' and '_' (convert Unicode names to xn-- Punycode first)"
                    )
                }
            }
            guard let entry = a2i_GENERAL_NAME(nil, nil, nil, isIP ? GEN_IPADD : GEN_DNS, name, 0) else {
                throw .fromQueue(.invalidInput, "\"\(name)\" cannot go into a subjectAltName")
            }
            guard scm_sk_GENERAL_NAME_push(stack, entry) > 0 else {
                GENERAL_NAME_free(entry)
                throw .fromQueue(.openSSL, "could not add \"\(name)\" to the subjectAltName")
            }
        }
    }

    /// Takes ownership of a decoded `GENERAL_NAMES`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { scm_GENERAL_NAMES_free(pointer) }

    /// DNS names and IP addresses (dotted or RFC 5952 text), in order; other kinds are skipped.
    var dnsNamesAndIPAddresses: [String] {
        var result: [String] = []
        for index in 0..<scm_sk_GENERAL_NAME_num(pointer) {
            guard let entry = scm_sk_GENERAL_NAME_value(pointer, index) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let string = entry.pointee.d.dNSName { result.append(Self.text(string)) }
            case GEN_IPADD:
                if let octets = entry.pointee.d.iPAddress, let address = Self.ipAddressText(Self.bytes(octets)) {
                    result.append(address)
                }
            default:
                continue
            }
        }
        return result
    }

    private static let hostCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.*_".unicodeScalars)

    static func bytes(_ string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    static func text(_ string: UnsafePointer<ASN1_STRING>) -> String { String(decoding: bytes(string), as: UTF8.self) }

    /// The 4 or 16 bytes of an IP address in text form, or nil when it is not one.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func ipAddressText(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard written != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

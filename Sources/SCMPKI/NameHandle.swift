internal import COpenSSL

/// An OpenSSL `X509_NAME` built by SCM; freed in `deinit`.
final class NameHandle {
    let pointer: OpaquePointer

    /// A distinguished name of exactly the given fields, in the order C, ST, L, O, CN; nil and
    /// empty fields are left out. Nothing else is ever added: no OU, no e-mail (RULES.md §1).
    init(
        commonName: String?, organization: String?, country: String?, province: String?, city: String?
    ) throws(PKIError) {
        guard let name = X509_NAME_new() else { throw .fromQueue(.openSSL, "could not allocate a name") }
        pointer = name
        if let country, !country.isEmpty {
            guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw PKIError(.invalidInput, "the country must be a two-letter ISO 3166 code, not \"\(country)\"")
            }
            try add(NID_countryName, "country", country.uppercased())
        }
        if let province, !province.isEmpty { try add(NID_stateOrProvinceName, "province", province) }
        if let city, !city.isEmpty { try add(NID_localityName, "city", city) }
        if let organization, !organization.isEmpty { try add(NID_organizationName, "organization", organization) }
        if let commonName, !commonName.isEmpty { try add(NID_commonName, "common name", commonName) }
    }

    deinit { X509_NAME_free(pointer) }

    private func add(_ nid: Int32, _ field: String, _ value: String) throws(PKIError) {
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PKIError(.invalidInput, "the \(field) contains control characters")
        }
        let bytes = Array(value.utf8)
        guard value.unicodeScalars.count <= 64 else {
            throw PKIError(.invalidInput, "the \(field) is longer than the 64 characters X.509 allows")
        }
        let added = bytes.withUnsafeBufferPointer {
            X509_NAME_add_entry_by_NID(pointer, nid, MBSTRING_UTF8, $0.baseAddress, Int32($0.count), -1, 0)
        }
        guard added == 1 else { throw .fromQueue(.invalidInput, "the \(field) \"\(value)\" cannot go into a certificate name") }
    }
}

/// Reading names that OpenSSL owns (a certificate's subject or issuer, a CSR's subject).
enum NameReader {
    /// The last value of a field (the most specific, as TLS clients read CN), as UTF-8.
    static func value(_ nid: Int32, in name: OpaquePointer) -> String? {
        var index: Int32 = -1
        var last: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            if index < 0 { break }
            last = index
        }
        guard last >= 0, let entry = X509_NAME_get_entry(name, last),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { scm_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    /// The name on one line in RFC 2253 order and escaping ("CN=www.example.com,O=Example,C=CN"),
    /// with non-ASCII characters kept as UTF-8.
    static func oneLine(_ name: OpaquePointer) -> String {
        guard let bio = try? MemoryBIO() else { return "" }
        guard X509_NAME_print_ex(bio.pointer, name, 0, scm_XN_FLAG_RFC2253_UTF8()) >= 0 else { return "" }
        return bio.string
    }
}

import Foundation

/// A `multipart/form-data` body (RFC 7578): the Upload page sends its .pem/.crt/.key files this
/// way (RULES.md §3, Upload). The body is already bounded by nginx and `FastCGIServer`
/// (2 MiB), so it is parsed in memory in one pass.
struct MultipartForm {
    struct Part {
        let name: String
        /// Present (possibly empty) for a file input; nil for an ordinary field.
        let filename: String?
        let contentType: String?
        let bytes: [UInt8]
    }

    let parts: [Part]

    /// Nil when the content type is not multipart/form-data with a boundary, or the body does
    /// not hold the closing delimiter (a truncated or hostile body).
    init?(contentType: String, body: [UInt8]) {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.parameter("boundary", in: contentType), (1...70).contains(boundary.utf8.count)
        else { return nil }
        // Every delimiter is CRLF "--" boundary; the first one may open the body without its CRLF.
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let text = [13, 10] + body
        var parts: [Part] = []
        var closed = false
        var start = Self.find(delimiter, in: text, from: 0)
        while let current = start {
            var cursor = current + delimiter.count
            if text[cursor...].starts(with: [45, 45]) {  // "--": the closing delimiter
                closed = true
                break
            }
            // Transport padding, then CRLF.
            while cursor < text.count, text[cursor] == 32 || text[cursor] == 9 { cursor += 1 }
            guard text[cursor...].starts(with: [13, 10]) else { return nil }
            cursor += 2
            guard let next = Self.find(delimiter, in: text, from: cursor),
                let headerEnd = Self.find([13, 10, 13, 10], in: text, from: cursor), headerEnd <= next
            else { return nil }
            let headers = Self.headers(String(decoding: text[cursor..<headerEnd], as: UTF8.self))
            guard let disposition = headers["content-disposition"], let name = Self.parameter("name", in: disposition)
            else { return nil }
            parts.append(
                Part(
                    name: name, filename: Self.parameter("filename", in: disposition),
                    contentType: headers["content-type"], bytes: Array(text[(headerEnd + 4)..<next])))
            start = next
        }
        guard closed else { return nil }
        self.parts = parts
    }

    /// The ordinary fields, decoded as UTF-8 text, in order.
    var fields: FormData {
        FormData(pairs: parts.filter { $0.filename == nil }.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) })
    }

    /// The file sent for `name`, when the user chose one (a file input left empty sends a part
    /// with an empty filename and no bytes).
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil && !($0.filename!.isEmpty && $0.bytes.isEmpty) }
    }

    // MARK: Parsing helpers

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func headers(_ block: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in block.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    /// `name="value"` or `name=value` in a header value such as Content-Disposition or
    /// Content-Type; quoted values may escape `"` and `\` with a backslash.
    static func parameter(_ name: String, in header: String) -> String? {
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = rest[rest.index(after: equals)...]
            var result = ""
            if value.first == "\"" {
                value = value.dropFirst()
                var escaped = false
                var end = value.endIndex
                for index in value.indices {
                    let character = value[index]
                    if escaped {
                        result.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index
                        break
                    } else {
                        result.append(character)
                    }
                }
                rest = end < value.endIndex ? value[value.index(after: end)...] : value[value.endIndex...]
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                result = value[..<end].trimmingCharacters(in: .whitespaces)
                rest = value[end...]
            }
            if key == name.lowercased() { return result }
        }
        return nil
    }
}

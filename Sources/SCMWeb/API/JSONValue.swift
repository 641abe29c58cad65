import Foundation

/// A JSON document as the API reads and writes it. Booleans, integers and strings stay apart,
/// so `"true"` for a boolean field or `1.5` for an integer field is a type error the client is
/// told about (scm-v3.md §1: booleans must be JSON booleans), not a silent coercion.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a request body; throws an `APIError` that says where the JSON is broken.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw APIError.badRequest("The request body is not valid JSON\(detail.map { ": \($0)" } ?? ".")")
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Compact JSON with sorted keys, so responses are stable.
    var serialized: [UInt8] {
        (try? Array(JSONValue.encoder.encode(self))) ?? Array("null".utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension JSONValue: Codable {
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    init(nilLiteral: ()) { self = .null }
}

/// A bad request found by the API layer itself (JSON shape, types, query parameters), before
/// any service is asked: 400 `SCM.0005` unless said otherwise.
struct APIError: Error {
    let status: Int
    let code: String
    let message: String

    /// Input the API cannot read (malformed JSON, a wrong type): answered as the core's invalid input.
    static func badRequest(_ message: String) -> APIError {
        let answer = RefusalAnswer(.invalidInput)
        return APIError(status: answer.status, code: answer.code, message: message)
    }
}

/// Typed access to a JSON object body: every accessor names the field in its error, and
/// distinguishes a missing mandatory field from a field of the wrong type.
struct JSONObject {
    let fields: [String: JSONValue]

    init(fields: [String: JSONValue]) { self.fields = fields }

    init(_ value: JSONValue, what: String = "The request body") throws {
        guard case .object(let fields) = value else {
            throw APIError.badRequest("\(what) must be a JSON object, not \(value.typeName).")
        }
        self.fields = fields
    }

    /// The body of a request whose body is optional: an empty body is an empty object.
    init(body: [UInt8]) throws {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            self = JSONObject(fields: [:])
        } else {
            try self.init(JSONValue.parse(body))
        }
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    private static func missing(_ key: String) -> APIError {
        APIError.badRequest("The mandatory field \(key) is missing.")
    }

    private static func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> APIError {
        APIError.badRequest("The field \(key) must be \(expected), not \(value.typeName).")
    }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw Self.wrongType(key, "a string", value) }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw Self.missing(key) }
        return text
    }

    func int(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        switch value {
        case .int(let number) where number >= Int64(Int32.min) && number <= Int64(Int32.max): return Int(number)
        case .int: throw APIError.badRequest("The field \(key) is out of range.")
        case .double(let number) where number.rounded() == number && abs(number) <= Double(Int32.max):
            return Int(number)
        default: throw Self.wrongType(key, "an integer", value)
        }
    }

    func requiredInt(_ key: String) throws -> Int {
        guard let number = try int(key) else { throw Self.missing(key) }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else { throw Self.wrongType(key, "a JSON boolean (true or false)", value) }
        return flag
    }

    func requiredBool(_ key: String) throws -> Bool {
        guard let flag = try bool(key) else { throw Self.missing(key) }
        return flag
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard case .array(let items) = value else { throw Self.wrongType(key, "an array", value) }
        return items
    }

    func requiredArray(_ key: String) throws -> [JSONValue] {
        guard let items = try array(key) else { throw Self.missing(key) }
        return items
    }

    func strings(_ key: String) throws -> [String]? {
        try array(key).map { items in
            try items.map { item in
                guard case .string(let text) = item else { throw Self.wrongType("\(key)[]", "a string", item) }
                return text
            }
        }
    }

    func object(_ key: String) throws -> JSONObject? {
        guard let value = present(key) else { return nil }
        return try JSONObject(value, what: "The field \(key)")
    }
}

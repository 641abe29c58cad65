import Foundation
import Mustache

/// The Mustache templates of templates/, loaded once at start. Every `{{value}}` is
/// HTML-escaped by Mustache; pages never use the unescaped `{{{ }}}` form for user data.
public struct Templates: Sendable {
    let library: MustacheLibrary
    /// Where the templates were read from; the help pages live in its help/ folder.
    public let directory: String

    public struct MissingTemplate: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads every `.mustache` file under `directory`, named by its relative path without extension.
    public init(directory: String) throws {
        UTF8HTMLEscaping.register()
        var templates: [String: MustacheTemplate] = [:]
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw MissingTemplate(description: "no templates directory at \(directory)")
        }
        for case let path as String in enumerator where path.hasSuffix(".mustache") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            templates[String(path.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
        }
        guard templates["layout"] != nil else {
            throw MissingTemplate(description: "templates/layout.mustache is missing in \(directory)")
        }
        library = MustacheLibrary(templates: templates)
        self.directory = directory
    }

    public func render(_ model: Any, _ name: String) -> String {
        // `renderable` is nil only for an absent optional: that renders as an empty context.
        guard let html = library.render(Self.renderable(model) ?? [String: Any](), withTemplate: name) else {
            preconditionFailure("template \(name) is not in templates/")
        }
        return html
    }

    /// The model as nested dictionaries, reflected once.
    ///
    /// swift-mustache looks a struct's fields up by building a `Mirror` for every lookup (and
    /// for every miss while it climbs the context stack); a dictionary is a hash lookup. On the
    /// certificate list this was most of the page's time (issue 3 benchmark), so every page
    /// model is converted here, once, and templates stay plain structs.
    static func renderable(_ value: Any) -> Any? {
        // Leaves first: a cast to a concrete type is a type comparison, while the protocol cast
        // and the Mirror below cost a conformance lookup and an allocation each, which on every
        // string of a list page was a tenth of its time (perf, issue 3 benchmark).
        // Arrays are converted directly: through a Mirror, every element costs a reflection of
        // its own before it is even looked at.
        switch value {
        case let text as String: return text
        case let number as Int: return number
        case let flag as Bool: return flag
        case let model as TemplateFields: return model.templateObject
        // Answers its fields itself (`TemplateObject`, `AllowedActions`): used as it is.
        case let object as MustacheParent & AnyObject: return object
        case let list as [Any]: return list.compactMap(renderable)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { renderable($0.value) }
        case .struct, .class:
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                if let label = child.label, let field = renderable(child.value) { fields[label] = field }
            }
            return TemplateObject(fields)
        case .collection, .set:
            return mirror.children.compactMap { renderable($0.value) }
        default:
            return value
        }
    }
}

/// A model that lists its own template fields: the fast path for values rendered many times a
/// page (list rows), where even one `Mirror` per value shows in the benchmark.
///
/// The values are used as they are, not converted again: each is a `String`, `Int` or `Bool`,
/// or a nested model's `templateObject` (or an array of them); an absent optional is left out.
protocol TemplateFields {
    var templateFields: [String: Any] { get }
}

extension TemplateFields {
    var templateObject: TemplateObject { TemplateObject(templateFields) }
}

/// One model object as the template sees it: its fields by name.
///
/// A `[String: Any]` would do, but swift-mustache asks every context object `as? MustacheParent`
/// for every tag, and a dictionary is one only through a conditional conformance
/// (`where Key == String`), which the runtime re-checks on each cast; a class that conforms
/// outright is a cached lookup. On the list page that check was about 5 % of the CPU.
final class TemplateObject: MustacheParent {
    let fields: [String: Any]

    init(_ fields: [String: Any]) {
        self.fields = fields
    }

    func child(named name: String) -> Any? {
        fields[name]
    }
}

/// HTML escaping over UTF-8 bytes, for templates that select it with
/// `{{% CONTENT_TYPE: HTML_UTF8 }}` (the layout does, so every page inherits it).
///
/// It escapes the same five characters as swift-mustache's own HTML content type, which walks the
/// string Character by Character (grapheme breaking) with a dictionary lookup for each; on the
/// list page that was a tenth of the rendering time. A template without the pragma still gets
/// the library's escaping: slower, never unescaped.
struct UTF8HTMLEscaping: MustacheContentType {
    static let name = "HTML_UTF8"

    /// Makes the content type known to the template parser; call before parsing templates.
    static func register() {
        MustacheContentTypes.register(UTF8HTMLEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let firstSpecial = bytes.firstIndex(where: Self.isSpecial) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + 16)
            escaped.append(contentsOf: bytes[..<firstSpecial])
            for byte in bytes[firstSpecial...] {
                switch byte {
                case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): escaped.append(contentsOf: "&#39;".utf8)
                default: escaped.append(byte)
                }
            }
            return String(decoding: escaped, as: UTF8.self)
        }
    }

    /// The five bytes that mean something in HTML text or a quoted attribute; none of them can
    /// be part of a multi-byte UTF-8 sequence, so escaping bytes escapes characters.
    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}

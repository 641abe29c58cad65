import Foundation
import SCMCore
import SCMStore

/// Certificate tags (scm-v3.md §4.5): one value per key and certificate.
public struct TagService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// At most this many tags on one certificate.
    public static let maximumTagsPerCertificate = 20

    public func tags(certificateID: String, by principal: Principal) throws -> [Tag] {
        try context.database.read { store in
            guard try store.certificate(id: certificateID) != nil else { throw Self.unknown(certificateID) }
            return try store.tags(certificateID: certificateID).map { Tag(key: $0.key, value: $0.value) }
        }
    }

    /// Adds or replaces tags (a key already present takes the new value), all or none.
    public func create(_ tags: [Tag], certificateID: String, by principal: Principal) throws {
        try Self.validate(tags)
        try change(certificateID: certificateID, action: "scm:tag:create", by: principal, detail: tags.map(\.key).joined(separator: ", ")) {
            store in
            for tag in tags { try store.setTag(certificateID: certificateID, key: tag.key, value: tag.value) }
            guard try store.reader.tags(certificateID: certificateID).count <= Self.maximumTagsPerCertificate else {
                throw Refusal.invalid("tags", "A certificate can carry at most \(Self.maximumTagsPerCertificate) tags.")
            }
        }
    }

    /// Removes the given keys; a value, when given, must match the stored one for the tag to go.
    public func delete(_ tags: [Tag], certificateID: String, by principal: Principal) throws {
        for tag in tags where tag.key.isEmpty { throw Refusal.invalid("key", "Tag key: it cannot be empty.") }
        try change(certificateID: certificateID, action: "scm:tag:delete", by: principal, detail: tags.map(\.key).joined(separator: ", ")) {
            store in
            let current = Dictionary(try store.reader.tags(certificateID: certificateID).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            for tag in tags where current[tag.key] != nil && (tag.value.isEmpty || current[tag.key] == tag.value) {
                try store.deleteTag(certificateID: certificateID, key: tag.key)
            }
        }
    }

    public func allTags(by principal: Principal) throws -> [(key: String, values: [String])] {
        try context.database.read { try $0.allTags() }
    }

    public func certificates(matching query: TagQuery, by principal: Principal) throws -> Page<(certificate: Certificate, tags: [Tag])> {
        try context.database.read { store in
            let page = try store.certificates(matching: query)
            return Page(
                items: try page.items.map { certificate in
                    (certificate, try store.tags(certificateID: certificate.id).map { Tag(key: $0.key, value: $0.value) })
                }, total: page.total)
        }
    }

    /// Tag keys: 1–128 characters of letters, digits, space and `_ . : = + - @`; values: 0–255
    /// characters of the same plus `/` (scm-v3.md §4.5).
    public static func validate(_ tags: [Tag]) throws(RefusalList) {
        var problems: [Refusal] = []
        for tag in tags {
            if tag.key.isEmpty {
                problems.append(.invalid("key", "Tag key: it cannot be empty."))
            } else if tag.key.count > 128 || !tag.key.allSatisfy({ isAllowed($0, slash: false) }) {
                problems.append(.invalid("key", "Tag key \"\(tag.key)\": 1–128 letters, digits, spaces or _ . : = + - @."))
            }
            if tag.value.count > 255 || !tag.value.allSatisfy({ isAllowed($0, slash: true) }) {
                problems.append(.invalid("value", "Tag value \"\(tag.value)\": up to 255 letters, digits, spaces or _ . : / = + - @."))
            }
        }
        if Set(tags.map(\.key)).count != tags.count {
            problems.append(.invalid("key", "Each tag key may appear only once in a request."))
        }
        if !problems.isEmpty { throw RefusalList(problems) }
    }

    static func isAllowed(_ character: Character, slash: Bool) -> Bool {
        character.isLetter || character.isNumber || character == " " || "_.:=+-@".contains(character) || (slash && character == "/")
    }

    private func change(
        certificateID: String, action: String, by principal: Principal, detail: String, _ body: (StoreWriter) throws -> Void
    ) throws {
        try context.database.write { store in
            guard try store.reader.certificate(id: certificateID) != nil else { throw Self.unknown(certificateID) }
            try body(store)
            try store.append(
                Event(at: context.clock.now, actor: principal.name, action: action, target: certificateID, detail: detail,
                      remoteAddress: principal.remoteAddress))
        }
    }

    static func unknown(_ id: String) -> Refusal { Refusal(.notFound, "There is no certificate with ID \(id).") }
}

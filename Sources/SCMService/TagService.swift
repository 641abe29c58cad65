import Foundation
import SCMCore
import SCMStore

/// Certificate tags (scm-v3.md §4.5): one value per key and certificate.
public struct TagService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public typealias Tag = CertificateTag

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
        try context.database.read { try $0.allTags(in: principal.permissions.projects(allowing: .certList)) }
    }

    public func certificates(matching query: TagQuery, by principal: Principal) throws -> Page<(certificate: Certificate, tags: [Tag])> {
        var query = query
        query.projects = principal.permissions.projects(allowing: .certList)
        return try context.database.read { [query] store in
            let page = try store.certificates(matching: query)
            return Page(
                items: try page.items.map { certificate in
                    (certificate, try store.tags(certificateID: certificate.id).map { Tag(key: $0.key, value: $0.value) })
                }, total: page.total)
        }
    }

    /// The tag rule of SCMCore, with the API's field names.
    public static func validate(_ tags: [Tag]) throws(RefusalList) {
        let problems = CertificateTag.validate(tags, keyField: "key", valueField: "value")
        if !problems.isEmpty { throw RefusalList(problems) }
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

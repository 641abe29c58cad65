/// A tag on a certificate: one value per key (scm-v3.md §4.5).
public struct CertificateTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Keys: 1–128 characters of letters, digits, space and `_ . : = + - @`; values: 0–255
    /// characters of the same plus `/`; no key twice. The one rule for tags, whether they
    /// come with a purchase or through the tag calls; refusals name `keyField`/`valueField`.
    public static func validate(_ tags: [CertificateTag], keyField: String, valueField: String) -> [Refusal] {
        var problems: [Refusal] = []
        for tag in tags {
            if tag.key.isEmpty {
                problems.append(Refusal(.emptyTagKey, "Tag key: it cannot be empty.", field: keyField))
            } else if tag.key.count > 128 || !tag.key.allSatisfy({ isAllowed($0, slash: false) }) {
                problems.append(.invalid(keyField, "Tag key \"\(tag.key)\": 1–128 letters, digits, spaces or _ . : = + - @."))
            }
            if tag.value.count > 255 || !tag.value.allSatisfy({ isAllowed($0, slash: true) }) {
                problems.append(
                    .invalid(valueField, "Tag value \"\(tag.value)\": up to 255 letters, digits, spaces or _ . : / = + - @."))
            }
        }
        if Set(tags.map(\.key)).count != tags.count {
            problems.append(.invalid(keyField, "Each tag key may appear only once."))
        }
        return problems
    }

    static func isAllowed(_ character: Character, slash: Bool) -> Bool {
        character.isLetter || character.isNumber || character == " " || "_.:=+-@".contains(character)
            || (slash && character == "/")
    }
}

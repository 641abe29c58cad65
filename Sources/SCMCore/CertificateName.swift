import Foundation

/// The rules for a certificate's name and description (RULES.md §3 "Rename / edit description").
public enum CertificateName {
    public static let lengths = 3...63
    public static let maximumDescriptionLength = 255

    /// A name is 3–63 characters of ASCII letters, digits, `_`, `-` and `.` (the SCM v3 rule); it
    /// need not be unique. Surrounding whitespace is trimmed first; the trimmed name is returned.
    @discardableResult
    public static func validate(_ name: String) throws(Refusal) -> String {
        let field = ApplicationField.name
        let value = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw .invalid(field, "Certificate name: enter a name of 3 to 63 letters, digits, _, - or .")
        }
        if let bad = value.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0))) }) {
            throw .invalid(
                field,
                "Certificate name: \(quoted(value)) contains \(quoted(String(bad))); a name may contain only letters, digits, _, - and ."
            )
        }
        guard lengths.contains(value.count) else {
            throw .invalid(
                field,
                "Certificate name: \(quoted(value)) is \(value.count) characters; a name must be 3 to 63 characters long."
            )
        }
        return value
    }

    /// A description is at most 255 characters (trimmed; empty is fine) (RULES.md §3, decision).
    @discardableResult
    public static func validateDescription(_ description: String) throws(Refusal) -> String {
        let value = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= maximumDescriptionLength else {
            throw .invalid(
                ApplicationField.description,
                "Description: \(value.count) characters is too long; a description can be at most 255 characters.")
        }
        return value
    }
}

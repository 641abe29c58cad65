internal import Foundation

/// Text-level handling of PEM before OpenSSL sees it.
enum PEMText {
    /// Pasted PEM often arrives indented or with trailing blanks or CRLF; OpenSSL wants every
    /// line to start at the `-----BEGIN` column. Trims each line and rejoins with `\n`.
    static func normalized(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    /// How many blocks of the given labels (`"CERTIFICATE"`) the text opens.
    static func count(labels: [String], in text: String) -> Int {
        var count = 0
        for line in normalized(text).split(separator: "\n") where line.hasPrefix("-----BEGIN ") {
            if labels.contains(where: { line == "-----BEGIN \($0)-----" }) { count += 1 }
        }
        return count
    }

    /// True when the text holds at least one well-formed PEM block: a `-----BEGIN X-----` line,
    /// base64 lines (and RFC 1421 headers), and the matching `-----END X-----` line.
    static func containsBlock(_ text: String) -> Bool {
        var openLabel: Substring?
        var bodyLines = 0
        for line in normalized(text).split(separator: "\n") {
            if let label = openLabel {
                if line == "-----END \(label)-----" {
                    if bodyLines > 0 { return true }
                    openLabel = nil
                } else if line.hasPrefix("-----") {
                    openLabel = nil
                } else {
                    bodyLines += 1
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                openLabel = line.dropFirst(11).dropLast(5)
                bodyLines = 0
            }
        }
        return false
    }
}

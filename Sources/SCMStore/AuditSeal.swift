import Foundation

/// What makes the audit log tamper-evident against someone who holds only the database (issue
/// 8): the hash chain alone can be recomputed by anyone who edits a row, so every event also
/// carries a MAC under a key kept outside the database, and the newest event's sequence number
/// and MAC are copied to an anchor file outside it, so cutting off the newest rows shows too.
///
/// Both live in the keys directory (`keys/audit.key`, `keys/audit.anchor`). The key is its own
/// random key, not the master key: `scm keys rotate` re-seals private keys and leaves the
/// audit log's MACs valid.
public struct AuditSeal: Sendable {
    let key: [UInt8]
    /// nil: no anchor (in-memory databases of tests), so truncation is not detected.
    let anchorPath: String?

    public init(key: [UInt8], anchorPath: String?) {
        self.key = key
        self.anchorPath = anchorPath
    }

    /// A random key and no anchor, for a database that lives only as long as the process.
    public static func ephemeral() -> AuditSeal {
        var generator = SystemRandomNumberGenerator()
        return AuditSeal(key: (0..<32).map { _ in generator.next() }, anchorPath: nil)
    }

    /// The MAC of the event at `sequence` whose chain link is `hash` (the link covers every field
    /// and the link before it, so the MAC does too).
    func mac(sequence: Int64, hash: String) -> String {
        AuditHash.hmacHex(key: key, "\(sequence)\u{1F}\(hash)")
    }

    /// The newest event known outside the database.
    struct Anchor: Equatable {
        var sequence: Int64
        var mac: String
    }

    /// The anchor in the file; nil when there is none (or no anchor file is kept).
    func anchor() throws -> Anchor? {
        guard let anchorPath, FileManager.default.fileExists(atPath: anchorPath) else { return nil }
        let text = try String(contentsOfFile: anchorPath, encoding: .utf8)
        let fields = text.split(separator: " ")
        guard fields.count == 2, let sequence = Int64(fields[0]) else {
            throw AuditAnchorError(message: "the audit anchor \(anchorPath) is not \"<sequence> <mac>\"")
        }
        return Anchor(sequence: sequence, mac: fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Moves the anchor forward to `anchor` (never back: another process may have written a newer
    /// one), through a temporary file renamed into place so a reader never sees half of it.
    /// Called after the event's transaction committed; a failure leaves the anchor behind, which
    /// only weakens the truncation check until the next event.
    func advanceAnchor(to anchor: Anchor) {
        guard let anchorPath else { return }
        if let current = try? self.anchor(), current.sequence >= anchor.sequence { return }
        let temporary = anchorPath + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data("\(anchor.sequence) \(anchor.mac)\n".utf8),
                attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, anchorPath) != 0 { unlink(temporary) }
    }
}

public struct AuditAnchorError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

import GRDB
import SCMCore

extension StoreReader {
    /// The IDs of the certificates whose current X.509 certificate has this SHA-256 fingerprint
    /// (uppercase hex with colons, as stored): the upload's `duplicate_check` (scm-v3.md §4.2).
    /// Not indexed: an upload is rare and the scan reads one column.
    public func certificateIDs(fingerprintSHA256: String) throws -> [String] {
        guard !fingerprintSHA256.isEmpty else { return [] }
        return try String.fetchAll(
            db, sql: "SELECT id FROM certificates WHERE fingerprint_sha256 = ? ORDER BY created_at",
            arguments: [fingerprintSHA256])
    }
}

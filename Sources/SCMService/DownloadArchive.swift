import Foundation
import ZIPFoundation

/// Builds a download's zip in memory with ZIPFoundation (RULES.md §7): nothing of it, least of
/// all the private key, is ever written to disk on the server.
enum DownloadArchive {
    struct File {
        let path: String
        let bytes: [UInt8]
        /// A private key or a keystore password: mode 0600 in the archive, so `unzip` on a
        /// shared host does not leave it readable by everyone.
        let secret: Bool
    }

    /// The zip's bytes, entries in the order given, deflated, stamped with `modified` (the
    /// service's clock, so a test can pin it).
    static func zip(_ files: [File], modified: Date) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for file in files {
            let data = Data(file.bytes)
            try archive.addEntry(
                with: file.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                permissions: file.secret ? 0o600 : 0o644, compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        guard let data = archive.data else { preconditionFailure("an in-memory archive always has data") }
        return [UInt8](data)
    }
}

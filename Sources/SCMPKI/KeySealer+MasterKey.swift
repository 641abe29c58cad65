internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

extension KeySealer {
    /// Reads the 32-byte master key at `path` (`var/keys/master.key`), or on first use creates
    /// its directory (0700) and the file (0600) with 32 random bytes.
    ///
    /// Creation is atomic: the key is written to a temporary file and hard-linked into place, so
    /// two processes starting together agree on one key and none reads a half-written file. A
    /// file of any other size is refused (`.io`), never overwritten: losing the master key
    /// loses every sealed private key.
    public static func loadOrCreateMasterKey(at path: String) throws(PKIError) -> [UInt8] {
        try MasterKeyFile.loadOrCreate(at: path)
    }

    /// The master key at `path`, nil when there is no file: for probing candidate keys, where
    /// creating one would be wrong.
    public static func loadMasterKey(at path: String) throws(PKIError) -> [UInt8]? {
        try MasterKeyFile.read(path)
    }
}

/// The file-system side of the master key, kept apart from `KeySealer` (whose `open` would
/// shadow the POSIX one).
private enum MasterKeyFile {
    static func loadOrCreate(at path: String) throws(PKIError) -> [UInt8] {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PKIError(.io, "cannot create the master key directory \(directory): \(error.localizedDescription)")
        }
        if let existing = try read(path) { return existing }

        let key = SecureRandom.bytes(32)
        let temporary = "\(path).tmp-\(SecureRandom.hex(8))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw PKIError(.io, "cannot create \(temporary): \(errnoText())") }
        defer { unlink(temporary) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        let failure = errnoText()
        close(descriptor)
        guard written == key.count, synced else { throw PKIError(.io, "cannot write \(temporary): \(failure)") }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let existing = try read(path) else {
                throw PKIError(.io, "cannot create the master key file \(path): \(errnoText())")
            }
            return existing  // another process won the race
        }
        return key
    }

    /// The key in the file, nil when there is no file.
    static func read(_ path: String) throws(PKIError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PKIError(.io, "cannot read the master key file \(path)")
        }
        guard data.count == 32 else {
            throw PKIError(.io, "the master key file \(path) holds \(data.count) bytes, not 32: refusing to use or replace it")
        }
        return [UInt8](data)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

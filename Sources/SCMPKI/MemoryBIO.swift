internal import COpenSSL

/// An OpenSSL memory BIO that owns a copy of its input; freed in `deinit`.
final class MemoryBIO {
    let pointer: OpaquePointer

    /// An empty BIO to write into.
    init() throws(PKIError) {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw .fromQueue(.openSSL, "could not allocate a memory BIO")
        }
        pointer = bio
    }

    /// A BIO holding a copy of `bytes`, to read from.
    convenience init(_ bytes: [UInt8]) throws(PKIError) {
        try self.init()
        if bytes.isEmpty { return }
        let written = bytes.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else {
            throw .fromQueue(.openSSL, "could not fill a memory BIO")
        }
    }

    convenience init(_ text: String) throws(PKIError) {
        try self.init(Array(text.utf8))
    }

    deinit { BIO_free(pointer) }

    /// Everything written so far.
    var bytes: [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let length = scm_BIO_get_mem_data(pointer, &data)
        guard length > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

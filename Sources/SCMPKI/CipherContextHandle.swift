internal import COpenSSL

/// An OpenSSL `EVP_CIPHER_CTX`; freed (and wiped) in `deinit`.
final class CipherContextHandle {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let context = EVP_CIPHER_CTX_new() else { throw .fromQueue(.openSSL, "could not allocate a cipher context") }
        pointer = context
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}

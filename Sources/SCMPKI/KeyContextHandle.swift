internal import COpenSSL

/// An OpenSSL `EVP_PKEY_CTX`; freed in `deinit`.
final class KeyContextHandle {
    let pointer: OpaquePointer

    init(algorithmName: String) throws(PKIError) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithmName, nil) else {
            throw .fromQueue(.openSSL, "could not create a key context for \(algorithmName)")
        }
        pointer = context
    }

    deinit { EVP_PKEY_CTX_free(pointer) }
}

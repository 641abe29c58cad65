internal import COpenSSL

/// An OpenSSL `X509_STORE` of trusted roots; freed in `deinit`.
final class TrustStoreHandle {
    let pointer: OpaquePointer

    init(roots: [CertificateHandle]) throws(PKIError) {
        guard let store = X509_STORE_new() else { throw .fromQueue(.openSSL, "could not allocate a trust store") }
        pointer = store
        for root in roots {
            guard X509_STORE_add_cert(store, root.pointer) == 1 else {
                throw .fromQueue(.openSSL, "could not add a root to the trust store")
            }
        }
    }

    deinit { X509_STORE_free(pointer) }
}

/// An OpenSSL `X509_STORE_CTX`, one verification; freed in `deinit`.
final class VerificationHandle {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let context = X509_STORE_CTX_new() else { throw .fromQueue(.openSSL, "could not allocate a verification") }
        pointer = context
    }

    deinit { X509_STORE_CTX_free(pointer) }
}

internal import COpenSSL

/// An OpenSSL `STACK_OF(X509)` holding its own references; freed with them in `deinit`.
final class CertificateStackHandle {
    let pointer: OpaquePointer

    init(_ certificates: [CertificateHandle]) throws(PKIError) {
        guard let stack = scm_sk_X509_new_null() else { throw .fromQueue(.openSSL, "could not allocate a certificate list") }
        pointer = stack
        for certificate in certificates {
            let reference = certificate.retained()
            guard scm_sk_X509_push(stack, reference) > 0 else {
                X509_free(reference)
                throw .fromQueue(.openSSL, "could not add to a certificate list")
            }
        }
    }

    deinit { scm_sk_X509_pop_free(pointer) }
}

internal import COpenSSL

/// An OpenSSL `STACK_OF(X509_EXTENSION)` that owns its extensions; freed with them in `deinit`.
final class ExtensionStackHandle {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let stack = scm_sk_X509_EXTENSION_new_null() else {
            throw .fromQueue(.openSSL, "could not allocate an extension list")
        }
        pointer = stack
    }

    deinit { scm_sk_X509_EXTENSION_pop_free(pointer) }

    /// Adds the subjectAltName extension made of `names`.
    func addSubjectAlternativeNames(_ names: GeneralNamesHandle) throws(PKIError) {
        guard let san = X509V3_EXT_i2d(NID_subject_alt_name, 0, UnsafeMutableRawPointer(names.pointer)) else {
            throw .fromQueue(.openSSL, "could not encode the subjectAltName")
        }
        guard scm_sk_X509_EXTENSION_push(pointer, san) > 0 else {
            X509_EXTENSION_free(san)
            throw .fromQueue(.openSSL, "could not add the subjectAltName")
        }
    }
}

internal import COpenSSL

/// Process-wide OpenSSL set-up.
public enum OpenSSLLibrary {
    /// Initialises libcrypto without its exit-time cleanup. By default OpenSSL frees its global
    /// state in an `atexit` handler; a thread still finishing (its OpenSSL thread-local state is
    /// torn down after its last line of Swift) then touches freed memory, and `scm serve`
    /// stopped on SIGTERM with a segmentation fault about once in a dozen runs. The process is
    /// exiting anyway: the kernel reclaims the memory. Must run before any other OpenSSL call.
    public static func initializeWithoutExitCleanup() {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }
}

internal import COpenSSL

/// A failure of the PKI layer: input that OpenSSL cannot use, or OpenSSL itself failing.
///
/// `message` is one sentence that says why, fit for a log line and, for input errors (an
/// encrypted key, a key that does not match, a chain that does not verify), for the user.
/// `openSSLErrors` keeps what OpenSSL's per-thread error queue held at the time, for the log.
public struct PKIError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a closed set of reasons callers may branch on; extensible by adding
    /// static members without breaking callers.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { description = name }

        /// An argument was out of range or malformed before OpenSSL saw it.
        public static let invalidInput = Kind("invalidInput")
        /// Text or bytes that are not a readable PEM/DER object of the expected type.
        public static let malformed = Kind("malformed")
        /// A password-protected private key: SCM only accepts unencrypted keys (RULES.md §3, Upload).
        public static let encryptedKey = Kind("encryptedKey")
        /// A key type or size the operation refuses (too weak, or not RSA/EC).
        public static let unsupportedKey = Kind("unsupportedKey")
        /// A signature that does not verify with the key it claims (a tampered or mis-signed CSR).
        public static let badSignature = Kind("badSignature")
        /// A private key that does not belong to the certificate or CSR it was paired with.
        public static let keyMismatch = Kind("keyMismatch")
        /// A certificate chain that does not verify; the message is OpenSSL's verify reason.
        public static let chainInvalid = Kind("chainInvalid")
        /// Sealed data that fails authentication: tampered, truncated, or another master key.
        public static let authenticationFailed = Kind("authenticationFailed")
        /// A file-system failure (master key file).
        public static let io = Kind("io")
        /// OpenSSL failed on valid input (usually out of memory).
        public static let openSSL = Kind("openSSL")
    }

    public let kind: Kind
    public let message: String
    /// OpenSSL's error queue, oldest first, as `error:…:library:function:reason` strings.
    public let openSSLErrors: [String]

    public init(_ kind: Kind, _ message: String, openSSLErrors: [String] = []) {
        self.kind = kind
        self.message = message
        self.openSSLErrors = openSSLErrors
    }

    public var description: String {
        openSSLErrors.isEmpty ? message : "\(message) (OpenSSL: \(openSSLErrors.joined(separator: "; ")))"
    }

    /// An error carrying, and emptying, the calling thread's OpenSSL error queue.
    static func fromQueue(_ kind: Kind, _ message: String) -> PKIError {
        PKIError(kind, message, openSSLErrors: OpenSSLErrorQueue.drain())
    }
}

/// OpenSSL's error queue is per thread; every public entry point clears it first so that a
/// message never carries another operation's leftovers.
enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    static func drain() -> [String] {
        var errors: [String] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            var line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                line += " (\(String(cString: data)))"
            }
            errors.append(line)
        }
        return errors
    }
}

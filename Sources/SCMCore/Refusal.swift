/// A rule of RULES.md said no. `message` is the sentence the user reads; `field` names the form
/// field at fault when the refusal is about input, so pages can show it next to that field.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// Extensible by adding cases; SCMWeb maps each to an HTTP status and an `SCM.xxxx` code.
    public enum Code: String, Sendable, CaseIterable {
        case invalidInput
        case notFound
        case forbidden
        case wrongStatus
        case conflict
        case freeCertificate
        case uploadedCertificate
        case uploadedCSR
        case notSingleOrWildcard
        case notMultiDomain
        case domainQuotaUsedUp
        case reissueWindowClosed
        case renewWindowNotOpen
        case renewAfterExpiry
        case dvSpecialTLD
        case renewalAlreadyBought
        case revokeNearExpiry
        case refundWindowClosed
        case noApplication
        case privacyReviewInProgress
        case privacyAlreadyCancelled
        case consoleCannotDeleteIssuedFree
        case certificateParse
        case privateKeyParse
        case chainParse
        case keyMismatch
        case certificateExpired
        case chainTooShort
        case notPEM
        case csrInUse
        case emptyTagKey
        case pushFailed
        case deployFailed
        case unsupportedService
    }

    public let code: Code
    /// The sentence the user reads. Built only when read: `allowedOperations` asks `check` about
    /// every operation of every row of a page and throws most answers away.
    public var message: String { makeMessage() }
    private let makeMessage: @Sendable () -> String
    public let field: String?

    public init(_ code: Code, _ message: @autoclosure @escaping @Sendable () -> String, field: String? = nil) {
        self.code = code
        self.makeMessage = message
        self.field = field
    }

    public static func invalid(_ field: String, _ message: @autoclosure @escaping @Sendable () -> String) -> Refusal {
        Refusal(.invalidInput, message(), field: field)
    }

    public static func == (lhs: Refusal, rhs: Refusal) -> Bool { lhs.code == rhs.code }
    public var description: String { message }
}

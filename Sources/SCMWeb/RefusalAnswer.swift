import SCMCore

/// The web's answer to a refusal of the core: its HTTP status and its SCM v3 error code
/// (scm-v3.md §2). `init(_:)` is the one table from refusal codes to both; pages, form posts
/// answered in JSON and the API all answer from it.
struct RefusalAnswer: Equatable {
    let status: Int
    let code: String

    /// Exhaustive on purpose: a new refusal code does not compile until it has its answer here.
    init(_ refusal: Refusal.Code) {
        switch refusal {
        case .invalidInput, .renewAfterExpiry, .dvSpecialTLD: (status, code) = (400, "SCM.0005")
        case .notFound: (status, code) = (404, "SCM.0020")
        case .forbidden: (status, code) = (403, "SCM.0003")
        case .conflict: (status, code) = (409, "SCM.0010")
        case .certificateParse, .notPEM: (status, code) = (400, "SCM.0006")
        case .privateKeyParse: (status, code) = (400, "SCM.0012")
        case .chainParse, .chainTooShort: (status, code) = (400, "SCM.0013")
        case .keyMismatch: (status, code) = (400, "SCM.0014")
        case .emptyTagKey: (status, code) = (400, "SCM.0023")
        case .pushFailed: (status, code) = (400, "SCM.0028")
        case .unsupportedService: (status, code) = (400, "SCM.0030")
        case .wrongStatus, .freeCertificate, .uploadedCertificate, .uploadedCSR, .notSingleOrWildcard, .notMultiDomain,
            .domainQuotaUsedUp, .reissueWindowClosed, .renewWindowNotOpen, .renewalAlreadyBought, .revokeNearExpiry,
            .refundWindowClosed, .noApplication, .privacyReviewInProgress, .privacyAlreadyCancelled,
            .consoleCannotDeleteIssuedFree, .certificateExpired, .csrInUse, .deployFailed:
            (status, code) = (400, "SCM.0010")
        }
    }

    init(_ refusal: Refusal) { self.init(refusal.code) }

    /// Several refusals at once (a form with many wrong fields): the gravest status, the first's code.
    init(_ refusals: [Refusal]) {
        let answers = refusals.map(RefusalAnswer.init)
        self.init(
            status: answers.map(\.status).max() ?? 400, code: answers.first?.code ?? RefusalAnswer(.invalidInput).code)
    }

    private init(status: Int, code: String) {
        self.status = status
        self.code = code
    }

    /// A failure of the server, not a refusal: its message carries the request id.
    static let serverError = RefusalAnswer(status: 500, code: "SCM.0500")

    /// An answer no refusal of the core stands behind (an unknown page, a wrong method, a
    /// missing sign-in or CSRF token), by its status, with the code of the refusal it amounts to.
    init(status: Int) {
        switch status {
        case 404: self = RefusalAnswer(.notFound)
        case 403: self = RefusalAnswer(.forbidden)
        case 500...: self = .serverError
        default: self.init(status: status, code: RefusalAnswer(.invalidInput).code)
        }
    }
}

import Foundation

/// `GET /cloud/ca`: each simulated CA brand's root and intermediate, to download and trust.
struct CAPage {
    struct Certificate {
        let role: String
        let subject: String
        let issuer: String
        let serial: String
        let notBefore: String
        let notAfter: String
        let fingerprint: String
        let signatureAlgorithm: String
        let key: String
        let downloadHref: String
        let filename: String
    }

    struct Brand {
        let name: String
        let code: String
        let caaIssuer: String
        let certificates: [Certificate]
        /// The brand has no authority yet (they are made when `scm serve` starts).
        let missing: Bool
        /// A certificate could not be read: shown instead of its fields.
        let problem: String?
    }

    let layout: Layout
    let brands: [Brand]
}

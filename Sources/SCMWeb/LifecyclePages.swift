import Foundation
import SCMCore

struct Choice {
    let value: String
    let label: String
    let selected: Bool

    static func list<T: RawRepresentable>(_ cases: [T], selected: String, label: (T) -> String) -> [Choice] where T.RawValue == String {
        cases.map { Choice(value: $0.rawValue, label: label($0), selected: $0.rawValue == selected) }
    }
}

/// The Buy page (RULES.md §1): choices, the catalogue's descriptions, and the price.
struct BuyPage {
    struct TypeInfo {
        let name: String
        let securityLevel: String
        let scenario: String
        let browser: String
        let duration: String
        let yearlyPrice: String
    }

    let layout: Layout
    let errors: FormErrors
    let brands: [Choice]
    let types: [Choice]
    let domainTypes: [Choice]
    let primaries: [Choice]
    let years: [Choice]
    let domainQuantity: String
    let quantity: String
    let project: String
    let tags: String
    let agreed: Bool
    let catalogue: [TypeInfo]
    let quote: String?
    /// One-time: the same form submitted twice buys once (`LifecycleService.buy`).
    let submissionToken: String
}

/// The Apply page (RULES.md §4): CSR modes, domains, verification, organization, applicant.
struct ApplyPage {
    let layout: Layout
    let errors: FormErrors
    let certificateID: String
    let certificateName: String
    let typeSummary: String
    let domainTypeLabel: String
    let isSingle: Bool
    let isWildcard: Bool
    let isMultiple: Bool
    let primaryWildcard: Bool
    let quota: Int
    let verifiesOrganization: Bool
    let form: ApplicationForm
    let csrSystem: Bool
    let csrExisting: Bool
    let csrUploaded: Bool
    let csrChoices: [Choice]
    let keyAlgorithms: [Choice]
    let methods: [Choice]
    let rootHashes: [Choice]
    let mailboxes: [Choice]
    let hasDraft: Bool
}

/// The Verify Domain Name page: what to prove for each domain, as the real console shows it.
struct VerifyPage {
    struct Row {
        let domain: String
        let method: String
        let isDNS: Bool
        let isFile: Bool
        let isEmail: Bool
        let host: String
        let recordType: String
        let value: String
        let cnameTarget: String
        let filePath: String
        let fileURL: String
        let email: String
        let verified: Bool
        let verifiedAt: String?
    }

    let layout: Layout
    let certificateID: String
    let name: String
    let statusLabel: String
    let rows: [Row]
    let holdReason: String?
    let canVerify: Bool
    let canAutoDNS: Bool
    let methods: [Choice]
    let inReview: Bool
}

/// Verify Organization: the mail the CA sent and whether it was answered.
struct OrganizationPage {
    let layout: Layout
    let certificateID: String
    let name: String
    let statusLabel: String
    let recipient: String
    let mailID: Int64?
    let answered: Bool
}

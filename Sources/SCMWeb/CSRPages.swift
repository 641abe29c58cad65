import Foundation
import SCMCore

/// A `<select>` choice of the CSR and simulator pages.
struct SelectOption {
    let value: String
    let label: String
    let selected: Bool
}

/// `GET /csrs`: the CSR list with its name and key-algorithm filters (issue 4 §4).
struct CSRListPage {
    struct Row {
        let id: String
        let name: String
        let href: String
        let domain: String
        let sans: [String]
        let keyAlgorithm: String
        let usage: String
        let hasKey: Bool
        let created: String
        let downloadHref: String
        let deleteAction: String
    }

    let layout: Layout
    let name: String
    let algorithmOptions: [SelectOption]
    let rows: [Row]
    let pagination: Pagination
    let emptyMessage: String?
}

/// `GET /csrs/new`, and the same form again with its errors after a refused `POST /csrs`.
struct NewCSRPage {
    let layout: Layout
    let errors: FormErrors
    let name: String
    let domainName: String
    let sans: String
    let algorithmOptions: [SelectOption]
    let usageOptions: [SelectOption]
    let companyName: String
    let companyCountry: String
    let companyProvince: String
    let companyCity: String
    /// One-time: the same form submitted twice creates one CSR (`CSRService.create`).
    let submissionToken: String
}

/// `GET /csrs/upload`, and the form again after a refused `POST /csrs/upload`.
struct UploadCSRPage {
    let layout: Layout
    let errors: FormErrors
    let name: String
    let csr: String
    // No private key: never sent back after a refusal (see `UploadPage`).
}

/// `GET /csrs/{id}`: the CSR's fields, PEM, rename and delete.
struct CSRDetailsPage {
    struct Field {
        let label: String
        let value: String
        let monospace: Bool
    }

    let layout: Layout
    let errors: FormErrors
    let id: String
    let name: String
    /// The rename field's value (the submitted one after a refused rename).
    let newName: String
    let fields: [Field]
    let domains: [String]
    let pem: String
    let downloadHref: String
    let renameAction: String
    let deleteAction: String
    /// Certificates that still use the CSR, so it cannot be deleted.
    let usedBy: [String]
}

import Foundation

/// `GET /certificates/upload`, and the same form again with its errors after a refused POST.
struct UploadPage {
    let layout: Layout
    let errors: FormErrors
    let name: String
    let certificate: String
    let chain: String
    // No private key: a refused upload never sends the pasted key back (it would sit in the
    // page, the browser's cache and history); the form asks for it again.
    let project: String
}

/// `GET /certificates/{id}/download`: one link per server type (RULES.md §7).
struct DownloadPage {
    struct Server {
        let name: String
        let contents: String
        let href: String
    }

    let layout: Layout
    let certificateID: String
    let name: String
    let domain: String
    let statusLabel: String
    let expires: String
    /// Set when the private key is not held here: each zip holds the certificate and chain alone.
    let missingKeyReason: String?
    let servers: [Server]
}

import Foundation

/// `GET /cloud/web`: the simulated web servers' files, for file validation (RULES.md §5).
struct WebRootsPage {
    struct File {
        let domain: String
        let path: String
        let url: String
        let content: String
        let saved: String
    }

    let layout: Layout
    let errors: FormErrors
    let files: [File]
    /// The put form's values (kept after a refusal).
    let domain: String
    let path: String
    let content: String
}

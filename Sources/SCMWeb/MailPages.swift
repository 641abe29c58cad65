import Foundation
import SCMCore

/// `GET /cloud/mail`: every message the simulated CA sent, newest first (RULES.md §5).
struct MailboxPage {
    struct Row {
        let id: Int64
        let href: String
        let recipient: String
        let subject: String
        let certificateID: String?
        let certificateHref: String?
        let received: String
        let unread: Bool
        let pending: Bool
    }

    let layout: Layout
    let recipients: [SelectOption]
    let rows: [Row]
    let unreadCount: Int
    let pagination: Pagination
    let emptyMessage: String?
}

/// `GET /cloud/mail/{id}`: one message, and the button that follows its link.
struct MailPage {
    struct Action {
        let title: String
        let formAction: String
        let token: String
    }

    let layout: Layout
    let errors: FormErrors
    let id: Int64
    let recipient: String
    let subject: String
    let received: String
    /// The body's lines, shown with their breaks.
    let lines: [String]
    let certificateID: String?
    let certificateHref: String?
    let action: Action?
    let answeredAt: String?
}

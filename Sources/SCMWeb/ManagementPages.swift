import Foundation
import SCMCore

/// The confirmation page of an irreversible operation (RULES.md §3: Revoke, Delete, Unsubscribe,
/// Withdraw, Cancel privacy authorization, …): what will happen, then one button.
struct ConfirmPage {
    let layout: Layout
    let errors: FormErrors
    let certificateID: String
    let name: String
    let statusLabel: String
    let heading: String
    let points: [String]
    let action: String
    let button: String
    let danger: Bool
    /// Revoke asks for a reason.
    let askReason: Bool
    let reason: String
    /// Unsubscribe's checkbox (RULES.md §3).
    let askAcknowledge: Bool
    /// The text of the browser's confirm dialog (console.js reads `data-confirm`); nil for an
    /// operation that can be undone, which renders no `data-confirm` at all (an empty string
    /// would still render the attribute).
    let confirmText: String?
}

/// A form of a few fields (Rename, Add to project, Add additional domain, Renew, Auto-renewal).
struct FieldsPage {
    struct Field {
        let name: String
        let label: String
        let value: String
        let hint: String?
        let error: String?
        let isText: Bool
        let isTextarea: Bool
        let isSelect: Bool
        let isCheckbox: Bool
        let checked: Bool
        let choices: [Choice]

        static func text(_ name: String, _ label: String, _ value: String, hint: String? = nil, errors: FormErrors) -> Field {
            Field(
                name: name, label: label, value: value, hint: hint, error: errors.byField[name], isText: true, isTextarea: false,
                isSelect: false, isCheckbox: false, checked: false, choices: [])
        }

        static func textarea(_ name: String, _ label: String, _ value: String, hint: String? = nil, errors: FormErrors) -> Field {
            Field(
                name: name, label: label, value: value, hint: hint, error: errors.byField[name], isText: false, isTextarea: true,
                isSelect: false, isCheckbox: false, checked: false, choices: [])
        }

        static func select(_ name: String, _ label: String, _ choices: [Choice], hint: String? = nil, errors: FormErrors) -> Field {
            Field(
                name: name, label: label, value: "", hint: hint, error: errors.byField[name], isText: false, isTextarea: false,
                isSelect: true, isCheckbox: false, checked: false, choices: choices)
        }

        static func checkbox(_ name: String, _ label: String, checked: Bool, errors: FormErrors) -> Field {
            Field(
                name: name, label: label, value: "on", hint: nil, error: errors.byField[name], isText: false, isTextarea: false,
                isSelect: false, isCheckbox: true, checked: checked, choices: [])
        }
    }

    let layout: Layout
    let errors: FormErrors
    let certificateID: String
    let name: String
    let statusLabel: String
    let heading: String
    let lead: String?
    let facts: [String]
    let fields: [Field]
    let action: String
    let button: String
}

/// "Confirm Operation" of a reissue: the CA's mail that waits to be answered (RULES.md §3).
struct ConfirmOperationPage {
    let layout: Layout
    let certificateID: String
    let name: String
    let statusLabel: String
    let recipient: String
    let subject: String
    let mailID: Int64?
    let waiting: Bool
}

/// Every purchase, renewal and refund (RULES.md §1 Orders page).
struct OrdersPage {
    struct Row {
        let id: String
        let kind: String
        let summary: String
        let amount: String
        let refunded: String?
        let count: Int
        let createdAt: String
        let paidAt: String
    }

    let layout: Layout
    /// The caller's grants cover only some projects: the page lists their own orders only.
    let ownOnly: Bool
    let rows: [Row]
    let pagination: Pagination
    let emptyMessage: String?
}

/// The message center (RULES.md §6 reminders, automatic renewal notices).
struct MessagesPage {
    struct Row {
        let title: String
        let body: String
        let kind: String
        let at: String
        let certificateHref: String?
        let href: String
        let unread: Bool
    }

    let layout: Layout
    let rows: [Row]
    let pagination: Pagination
    let emptyMessage: String?
}

import Foundation
import SCMCore
import SCMService
import SCMStore

/// The mailbox simulator's console (RULES.md §5): the CA's messages; following a message's link
/// confirms a domain, the organization, a revocation or a reissue through `CAService.followLink`.
extension WebApp {
    func listMail(_ request: inout RequestContext) throws -> HTTPResponse {
        let to = (request.request.query["to"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard to.count <= 320 else { throw Refusal.invalid("to", "The recipient filter is too long.") }
        let paging = try PageRequest.parse(request.request.query)
        let recipient = to.isEmpty ? nil : to
        let (recipients, shown, total, unread) = try context.database.read { store in
            (
                try store.mailRecipients(),
                try store.mails(recipient: recipient, offset: paging.offset, limit: paging.limit),
                try store.mailCount(recipient: recipient), try store.unreadMailCount()
            )
        }
        let pagination = Pagination(total: total, shown: shown.count, request: paging) {
            paging.url("/cloud/mail", filters: [("to", to)], page: $0)
        }
        let model = MailboxPage(
            layout: layout(
                title: "Mailbox", request: request, section: "mail",
                crumbs: [Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "Mailbox", href: nil)],
                flash: request.flash),
            recipients: [SelectOption(value: "", label: "All recipients", selected: to.isEmpty)]
                + recipients.map { SelectOption(value: $0, label: $0, selected: $0 == to) },
            rows: shown.map { mail in
                MailboxPage.Row(
                    id: mail.id, href: "/cloud/mail/\(mail.id)",
                    recipient: mail.recipient.isEmpty ? "–" : mail.recipient,
                    subject: mail.subject, certificateID: mail.certificateID,
                    certificateHref: mail.certificateID.map { "/certificates/\($0)" },
                    received: Self.formatDateTime(mail.createdAt), unread: mail.readAt == nil,
                    pending: mail.action != .none && mail.actedAt == nil)
            },
            unreadCount: unread, pagination: pagination,
            emptyMessage: pagination.emptyMessage(
                to.isEmpty
                    ? "No messages yet. The CA writes here when it asks to confirm a domain or the organization."
                    : "No messages to \(to)."))
        return .html(templates.render(model, "mailbox"))
    }

    func showMail(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = try Self.numericID(request.parameter("id"), "message")
        let now = context.clock.now
        let mail = try context.database.write { store -> Mail? in
            guard try store.reader.mail(id: id) != nil else { return nil }
            try store.markRead(mailID: id, at: now)
            return try store.reader.mail(id: id)
        }
        guard let mail else { throw Refusal(.notFound, "There is no message with ID \(id).") }
        return .html(mailPage(request, mail: mail, errors: .none))
    }

    func followMailLink(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = try Self.numericID(request.parameter("id"), "message")
        guard let mail = try context.database.read({ try $0.mail(id: id) }) else {
            throw Refusal(.notFound, "There is no message with ID \(id).")
        }
        let token = request.request.form["token"] ?? ""
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let followed = try CAService(context: context).followLink(mailID: id, token: token, by: principal)
                let location = followed.certificateID.map { "/certificates/\($0)" } ?? "/cloud/mail/\(id)"
                return (
                    location, Self.followedMessage(followed),
                    ["id": id, "certificate_id": followed.certificateID ?? ""]
                )
            },
            reshow: { errors in
                let current = (try? context.database.read { try $0.mail(id: id) }) ?? mail
                return mailPage(request, mail: current, errors: errors)
            })
    }

    private func mailPage(_ request: RequestContext, mail: Mail, errors: FormErrors) -> String {
        let action = Self.actionTitle(mail.action).flatMap { title in
            mail.actedAt == nil
                ? MailPage.Action(title: title, formAction: "/cloud/mail/\(mail.id)/follow", token: mail.actionToken)
                : nil
        }
        let model = MailPage(
            layout: layout(
                title: mail.subject, request: request, section: "mail",
                crumbs: [Crumb(title: "Mailbox", href: "/cloud/mail"), Crumb(title: mail.subject, href: nil)],
                flash: request.flash),
            errors: errors, id: mail.id, recipient: mail.recipient, subject: mail.subject,
            received: Self.formatDateTime(mail.createdAt),
            lines: mail.body.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            },
            certificateID: mail.certificateID, certificateHref: mail.certificateID.map { "/certificates/\($0)" },
            action: action, answeredAt: mail.action == .none ? nil : mail.actedAt.map(Self.formatDateTime))
        return templates.render(model, "mail")
    }

    /// The button that follows a message's link, titled by what it does.
    static func actionTitle(_ action: Mail.Action) -> String? {
        switch action {
        case .none: nil
        case .confirmDomain: "Confirm domain ownership"
        case .verifyOrganization: "Confirm organization"
        case .confirmRevocation: "Confirm revocation"
        case .confirmReissue: "Confirm cancellation of the old certificate"
        }
    }

    static func followedMessage(_ mail: Mail) -> String {
        let certificate = mail.certificateID.map { "certificate \($0)" } ?? "the certificate"
        switch mail.action {
        case .none: return "Done."
        case .confirmDomain:
            let domain = mail.recipient.split(separator: "@").last.map(String.init) ?? mail.recipient
            return "Domain ownership confirmed for \(domain) (\(certificate))."
        case .verifyOrganization: return "Organization confirmed for \(certificate)."
        case .confirmRevocation: return "Revocation confirmed for \(certificate)."
        case .confirmReissue: return "Cancellation of the old certificate confirmed for \(certificate)."
        }
    }
}

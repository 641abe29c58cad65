import Foundation
import SCMCore
import SCMService
import SCMStore

/// One message, opened from the Messages page (which marks it read).
struct MessagePage {
    let layout: Layout
    let title: String
    let body: String
    let kind: String
    let at: String
    let readAt: String
    let certificateID: String?
    let certificateHref: String?
}

/// The webhook addresses per event type and the delivery log.
struct WebhooksPage {
    struct Event {
        let type: String
        let label: String
        let url: String
        let error: String?
    }

    struct Delivery {
        let createdAt: String
        let eventType: String
        let url: String
        let state: String
        let attempts: Int
        let lastResult: String
        let nextAttempt: String
        let messageHref: String
    }

    let layout: Layout
    let maxAttempts: Int
    let events: [Event]
    let deliveries: [Delivery]
    let pagination: Pagination
    let emptyMessage: String?
}

/// The simulated SMS gateway's outbox.
struct SMSPage {
    struct Row {
        let at: String
        let phone: String
        let text: String
        let certificateID: String?
        let certificateHref: String?
    }

    let layout: Layout
    let rows: [Row]
    let pagination: Pagination
    let emptyMessage: String?
}

extension WebApp {
    /// Registered after the notification settings, so `messages/settings` wins over `messages/:id`.
    func addMessageCenterRoutes(_ router: inout Router) {
        router.add("GET", "messages/webhooks", action: .messageList) { try showWebhooks(&$0, errors: .none, form: nil) }
        router.add("POST", "messages/webhooks", action: .certUpdate) { try saveWebhooks(&$0) }
        // The user's own inbox state, like their password: no action, open to every signed-in
        // user (read-only ones included). It changes no certificate and nobody else's messages.
        router.add("POST", "messages/read-all") { try markAllRead(&$0) }
        router.add("GET", "messages/:id", action: .messageList) { try showMessage(&$0) }
        router.add("GET", "cloud/sms", action: .simList) { try showSMS(&$0) }
    }

    var messageCenter: MessageCenterService { MessageCenterService(context: context) }

    private var messagesCrumb: Crumb { Crumb(title: "Messages", href: "/messages") }

    func showMessage(_ request: inout RequestContext) throws -> HTTPResponse {
        guard let id = Int64(request.parameter("id")) else { throw Refusal(.notFound, "There is no such message.") }
        let message = try messageCenter.open(id: id, by: request.principal)
        if request.request.wantsJSON {
            return .json(["id": message.id, "kind": message.kind, "title": message.title, "body": message.body, "read": true])
        }
        let page = MessagePage(
            layout: layout(
                title: message.title, request: request, section: "messages",
                crumbs: [messagesCrumb, Crumb(title: message.title, href: nil)], flash: request.flash),
            title: message.title, body: message.body, kind: message.kind, at: Self.formatDateTime(message.createdAt),
            readAt: message.readAt.map(Self.formatDateTime) ?? "–", certificateID: message.certificateID,
            certificateHref: message.certificateID.map { "/certificates/\($0)" })
        return .html(templates.render(page, "message"))
    }

    func markAllRead(_ request: inout RequestContext) throws -> HTTPResponse {
        let context = request
        return try submit(
            request,
            perform: {
                let count = try messageCenter.markAllRead(by: context.principal)
                let text = count == 0 ? "No unread messages." : "\(count) message\(count == 1 ? "" : "s") marked read."
                return ("/messages", text, ["marked": count])
            },
            reshow: { _ in "" })
    }

    func saveWebhooks(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let context = request
        var urls: [String: String] = [:]
        for event in WebhookService.eventTypes { urls[event.type] = form["url_\(event.type)"] ?? "" }
        return try submit(
            request,
            perform: {
                try messageCenter.saveWebhooks(urls, by: context.principal)
                let set = urls.values.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
                return ("/messages/webhooks", "Webhooks saved: \(set) of \(urls.count) event types send a POST.", ["webhooks": set])
            },
            reshow: { errors in
                var context = context
                return try webhooksPage(&context, errors: errors, form: form)
            })
    }

    func showWebhooks(_ request: inout RequestContext, errors: FormErrors, form: FormData?) throws -> HTTPResponse {
        if request.request.wantsJSON {
            let paging = try PageRequest.parse(request.request.query)
            let deliveries = try messageCenter.deliveries(for: request.principal, offset: paging.offset, limit: paging.limit)
            return .json([
                "webhooks": try messageCenter.webhooks(for: request.principal).map { ["event_type": $0.eventType, "url": $0.url] },
                "total": deliveries.total, "page": paging.page, "limit": paging.limit,
                "deliveries": deliveries.items.map {
                    [
                        "id": $0.id, "event_type": $0.eventType, "url": $0.url, "state": $0.state.rawValue,
                        "attempts": $0.attempts, "last_result": $0.lastResult, "payload": $0.payload,
                    ] as [String: Any]
                },
            ])
        }
        return .html(try webhooksPage(&request, errors: errors, form: form))
    }

    private func webhooksPage(_ request: inout RequestContext, errors: FormErrors, form: FormData?) throws -> String {
        let saved = Dictionary(
            try messageCenter.webhooks(for: request.principal).map { ($0.eventType, $0.url) }, uniquingKeysWith: { a, _ in a })
        // The log's page is in the address of GET /messages/webhooks; a refused save shows page 1.
        let paging = try PageRequest.parse(request.request.query)
        let deliveries = try messageCenter.deliveries(for: request.principal, offset: paging.offset, limit: paging.limit)
        let pagination = Pagination(total: deliveries.total, shown: deliveries.items.count, request: paging) {
            paging.url("/messages/webhooks", filters: [], page: $0)
        }
        let page = WebhooksPage(
            layout: layout(
                title: "Webhooks", request: request, section: "messages",
                crumbs: [messagesCrumb, Crumb(title: "Webhooks", href: nil)], flash: request.flash),
            maxAttempts: WebhookService.maxAttempts,
            events: WebhookService.eventTypes.map { event in
                WebhooksPage.Event(
                    type: event.type, label: event.label, url: form?["url_\(event.type)"] ?? saved[event.type] ?? "",
                    error: errors.byField["url_\(event.type)"])
            },
            deliveries: deliveries.items.map {
                WebhooksPage.Delivery(
                    createdAt: Self.formatDateTime($0.createdAt), eventType: $0.eventType, url: $0.url,
                    state: $0.state.rawValue.capitalized, attempts: $0.attempts,
                    lastResult: $0.lastResult.isEmpty ? "–" : $0.lastResult,
                    nextAttempt: $0.state == .pending ? Self.formatDateTime($0.nextAttemptAt) : "–",
                    messageHref: "/messages/\($0.messageID)")
            },
            pagination: pagination, emptyMessage: pagination.emptyMessage("No deliveries yet."))
        return templates.render(page, "webhooks")
    }

    func showSMS(_ request: inout RequestContext) throws -> HTTPResponse {
        let paging = try PageRequest.parse(request.request.query)
        let messages = try messageCenter.smsOutbox(offset: paging.offset, limit: paging.limit)
        if request.request.wantsJSON {
            return .json([
                "total": messages.total, "page": paging.page, "limit": paging.limit,
                "sms": messages.items.map {
                    ["id": $0.id, "phone": $0.phone, "text": $0.text, "certificate_id": $0.certificateID ?? ""] as [String: Any]
                }
            ])
        }
        let pagination = Pagination(total: messages.total, shown: messages.items.count, request: paging) {
            paging.url("/cloud/sms", filters: [], page: $0)
        }
        let page = SMSPage(
            layout: layout(
                title: "SMS outbox", request: request, section: "mail",
                crumbs: [Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "SMS outbox", href: nil)],
                flash: request.flash),
            rows: messages.items.map {
                SMSPage.Row(
                    at: Self.formatDateTime($0.createdAt), phone: $0.phone, text: $0.text, certificateID: $0.certificateID,
                    certificateHref: $0.certificateID.map { "/certificates/\($0)" })
            },
            pagination: pagination, emptyMessage: pagination.emptyMessage("No text messages yet."))
        return .html(templates.render(page, "sms"))
    }
}

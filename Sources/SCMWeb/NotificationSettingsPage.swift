import Foundation
import SCMCore
import SCMService

/// The notification settings page (issue 9): the user's reminder ladder and message templates,
/// with a preview, and the CERT_EXPIRING / CERT_EXPIRED switches of their certificates.
struct NotificationSettingsPage {
    struct Variable {
        let name: String
        let meaning: String
    }

    struct Row {
        let id: String
        let name: String
        let href: String
        let domain: String
        let expires: String
        let expiring: Bool
        let expired: Bool
    }

    let layout: Layout
    let errors: FormErrors
    let ladder: String
    let defaultLadder: String
    let expiringTitle: String
    let expiringBody: String
    let expiredTitle: String
    let expiredBody: String
    let variables: [Variable]
    let previewTitle: String
    let previewBody: String
    let previewWhen: String
    let rows: [Row]
}

extension WebApp {
    func addNotificationSettingsRoutes(_ router: inout Router) {
        // Changing notifications is `certUpdate`, as for the SCM v3 enable/disable calls.
        router.add("GET", "messages/settings", action: .messageList) { try showNotificationSettings(&$0) }
        router.add("POST", "messages/settings", action: .certUpdate) { try saveNotificationSettings(&$0) }
        router.add("POST", "messages/settings/reset", action: .certUpdate) { try resetNotificationSettings(&$0) }
        router.add("POST", "messages/settings/switches", action: .certUpdate) { try saveNotificationSwitches(&$0) }
    }

    var notificationSettings: NotificationSettingsService { NotificationSettingsService(context: context) }

    func showNotificationSettings(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(try notificationSettingsPage(request, errors: .none, form: nil))
    }

    func saveNotificationSettings(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                let saved = try notificationSettings.save(
                    ladder: form["ladder"] ?? "", expiringTitle: form["expiring_title"] ?? "",
                    expiringBody: form["expiring_body"] ?? "", expiredTitle: form["expired_title"] ?? "",
                    expiredBody: form["expired_body"] ?? "", by: context.principal)
                return (
                    "/messages/settings", "Saved: reminders \(saved.ladderText) days before expiry and on the day.",
                    ["ladder": saved.ladder]
                )
            },
            reshow: { try notificationSettingsPage(context, errors: $0, form: form) })
    }

    func resetNotificationSettings(_ request: inout RequestContext) throws -> HTTPResponse {
        let context = request
        return try submit(
            request,
            perform: {
                try notificationSettings.reset(by: context.principal)
                return ("/messages/settings", "Reminders and messages are back to the defaults.", ["ladder": ReminderSettings.defaultLadder])
            },
            reshow: { try notificationSettingsPage(context, errors: $0, form: nil) })
    }

    func saveNotificationSwitches(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                let expiring = Set(form.all("expiring"))
                let expired = Set(form.all("expired"))
                var wanted: [String: Set<NotificationService.Kind>] = [:]
                for id in form.all("cert") {
                    var kinds: Set<NotificationService.Kind> = []
                    if expiring.contains(id) { kinds.insert(.expiring) }
                    if expired.contains(id) { kinds.insert(.expired) }
                    wanted[id] = kinds
                }
                let changed = try notificationSettings.setSwitches(wanted, by: context.principal)
                let message = changed == 0 ? "Nothing changed." : "Notifications updated for \(changed) certificate\(changed == 1 ? "" : "s")."
                return ("/messages/settings", message, ["changed": changed])
            },
            reshow: { try notificationSettingsPage(context, errors: $0, form: nil) })
    }

    func notificationSettingsPage(_ request: RequestContext, errors: FormErrors, form: FormData?) throws -> String {
        let settings = try notificationSettings.settings(for: request.principal)
        let certificates = try notificationSettings.switchableCertificates(by: request.principal)
        let now = context.clock.now
        // The preview uses the soonest-expiring certificate, or an example when there is none.
        var sample = certificates.first ?? Certificate(
            id: "example", name: "scm-example", brand: .digiCert, type: .dv, domainType: .single, domainQuota: 1,
            status: .issued, createdAt: now)
        if certificates.isEmpty { sample.domain = "www.example.com" }
        let notAfter = sample.notAfter ?? now + .days(30)
        let step = ReminderSettings.Step(days: 30)
        let values = ExpiryService.templateValues(sample, notAfter: notAfter, step: step, now: notAfter - .days(30))
        func value(_ field: String, _ saved: String) -> String { form?[field] ?? saved }
        let page = NotificationSettingsPage(
            layout: layout(
                title: "Notification settings", request: request, section: "messages",
                crumbs: [Crumb(title: "Messages", href: "/messages"), Crumb(title: "Notification settings", href: nil)],
                flash: request.flash),
            errors: errors, ladder: value("ladder", settings.ladderText),
            defaultLadder: ReminderSettings.default.ladderText,
            expiringTitle: value("expiring_title", settings.expiringTitle), expiringBody: value("expiring_body", settings.expiringBody),
            expiredTitle: value("expired_title", settings.expiredTitle), expiredBody: value("expired_body", settings.expiredBody),
            variables: ReminderSettings.variables.map { .init(name: "{\($0.name)}", meaning: $0.meaning) },
            previewTitle: ReminderSettings.render(settings.expiringTitle, values),
            previewBody: ReminderSettings.render(settings.expiringBody, values), previewWhen: step.when,
            rows: certificates.map {
                .init(
                    id: $0.id, name: $0.name, href: "/certificates/\($0.id)", domain: $0.domain,
                    expires: $0.notAfter.map(Self.formatDate) ?? "–", expiring: $0.notifyExpiring, expired: $0.notifyExpired)
            })
        return templates.render(page, "notification-settings")
    }
}

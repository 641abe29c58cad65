import Foundation
import SCMCore
import SCMStore

/// A user's notification settings page (issue 9): the reminder ladder and message templates
/// (`ReminderSettings`), and the per-certificate CERT_EXPIRING / CERT_EXPIRED switches, which
/// are the SCM v3 enable/disable notification calls' `NotificationService`.
public struct NotificationSettingsService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public func settings(for principal: Principal) throws -> ReminderSettings {
        try context.database.read { try $0.reminderSettings(userID: principal.userID) }
    }

    /// Validates every field at once (`RefusalList`), then saves with an event row.
    @discardableResult
    public func save(
        ladder: String, expiringTitle: String, expiringBody: String, expiredTitle: String, expiredBody: String,
        by principal: Principal
    ) throws -> ReminderSettings {
        let settings = try ReminderSettings(
            ladder: ladder, expiringTitle: expiringTitle, expiringBody: expiringBody, expiredTitle: expiredTitle,
            expiredBody: expiredBody)
        let now = context.clock.now
        try context.database.write { store in
            try store.save(settings, userID: principal.userID, at: now)
            try store.append(
                Event(at: now, actor: principal.name, action: "scm:notification:settings", target: principal.name,
                      detail: "reminders \(settings.ladderText) days before expiry", remoteAddress: principal.remoteAddress))
        }
        return settings
    }

    /// Back to RULES.md §6's ladder and wording.
    public func reset(by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            try store.resetReminderSettings(userID: principal.userID)
            try store.append(
                Event(at: now, actor: principal.name, action: "scm:notification:settings", target: principal.name,
                      detail: "defaults restored", remoteAddress: principal.remoteAddress))
        }
    }

    /// The certificates whose switches the page shows: issued and hosted ones, soonest expiry
    /// first (the ones reminders are about).
    public func switchableCertificates(limit: Int = 50, by principal: Principal) throws -> [Certificate] {
        let now = context.clock.now
        var query = CertificateListQuery(sort: .expires, ascending: true, limit: limit)
        query.projects = principal.permissions.projects(allowing: .certList)
        query.expiresWithinDays = CertificateListQuery.maximumExpiresWithinDays
        query.expiringFrom = now - .days(1)
        return try context.database.read { [query] in try $0.certificates(matching: query).items }
    }

    /// Applies the page's switches: only the ones that changed, through `NotificationService`.
    public func setSwitches(_ wanted: [String: Set<NotificationService.Kind>], by principal: Principal) throws -> Int {
        let current = try context.database.read { store in
            try wanted.keys.map { id -> Certificate in
                guard let certificate = try store.certificate(id: id) else {
                    throw Refusal(.notFound, "There is no certificate with ID \(id).")
                }
                return certificate
            }
        }
        var enable: [(certificateID: String, kinds: Set<NotificationService.Kind>)] = []
        var disable: [(certificateID: String, kinds: Set<NotificationService.Kind>)] = []
        for certificate in current.sorted(by: { $0.id < $1.id }) {
            let on = wanted[certificate.id] ?? []
            var switchOn: Set<NotificationService.Kind> = []
            var switchOff: Set<NotificationService.Kind> = []
            for (kind, isOn) in [(NotificationService.Kind.expiring, certificate.notifyExpiring), (.expired, certificate.notifyExpired)] {
                if on.contains(kind) && !isOn { switchOn.insert(kind) }
                if !on.contains(kind) && isOn { switchOff.insert(kind) }
            }
            if !switchOn.isEmpty { enable.append((certificate.id, switchOn)) }
            if !switchOff.isEmpty { disable.append((certificate.id, switchOff)) }
        }
        let notifications = NotificationService(context: context)
        if !enable.isEmpty { try notifications.set(enable, enabled: true, by: principal) }
        if !disable.isEmpty { try notifications.set(disable, enabled: false, by: principal) }
        return enable.count + disable.count
    }
}

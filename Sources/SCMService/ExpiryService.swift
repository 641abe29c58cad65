import Foundation
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// The time-driven part of RULES.md §1, §3 and §6 that the scheduler runs each pass: expiry
/// reminders (each once, ever), ISSUED/UPLOAD → EXPIRED after `notAfter`, and the renewals the
/// scheduler buys itself (auto-renewal, the next year of a multi-year stack).
public struct ExpiryService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    /// One pass; returns the number of changes made (reminders, expiries, renewals).
    /// `stopRequested` is asked before each certificate, so that a stopping server does not
    /// wait for a pass over a large database (what is left is the next pass's).
    @discardableResult
    public func runOnce(until stopRequested: () -> Bool = { false }) throws -> Int {
        var changes = 0
        changes += try sendReminders(until: stopRequested)
        changes += try expire(until: stopRequested)
        changes += try renewAutomatically(until: stopRequested)
        return changes
    }

    /// Each due reminder once (the `reminders_sent` key), into the message center and the
    /// mailbox simulator, as the notification switches allow (RULES.md §6). The ladder and the
    /// wording are the owner's `ReminderSettings` (issue 9), RULES.md §6's by default. A pass
    /// walks every certificate that waits, within `reminderPassBudget` of wall-clock time; the
    /// next pass goes on with the rest (the ones reminded are no longer selected).
    func sendReminders(until stopRequested: () -> Bool = { false }) throws -> Int {
        let now = context.clock.now
        let started = Date()
        func stopping() -> Bool { stopRequested() || Date().timeIntervalSince(started) >= Self.reminderPassBudget }
        var sent = 0
        for (owners, settings) in try context.database.read({ try $0.reminderLadders() }) {
            var cursor: ReminderCursor?
            while !stopping() {
                let batch = try context.database.read {
                    try $0.certificatesAwaitingReminder(
                        settings: settings, owners: owners, now: now, after: cursor, limit: Self.reminderBatchSize)
                }
                for certificate in batch where !stopping() {
                    if try remind(certificate, now: now) { sent += 1 }
                }
                guard batch.count == Self.reminderBatchSize, let last = batch.last, let notAfter = last.notAfter else {
                    break
                }
                cursor = ReminderCursor(notAfter: notAfter, id: last.id)
            }
        }
        return sent
    }

    /// Certificates read per query of the reminder pass; the pass goes on until none is left.
    static let reminderBatchSize = 500
    /// Wall-clock time one pass may spend on reminders, well inside the scheduler's lease (30 s),
    /// so that a day when thousands fall due does not hold the CA's steps back.
    static let reminderPassBudget: TimeInterval = 12

    /// Sends `certificate`'s due reminder, in one transaction that checks again that it is due
    /// and not yet sent; false when it was not (sent meanwhile, or switched off).
    private func remind(_ certificate: Certificate, now: Date) throws -> Bool {
        guard let notAfter = certificate.notAfter else { return false }
        return try context.database.write { store in
            let ownerID = try store.reader.ownerID(certificateID: certificate.id)
            let settings = try store.reader.reminderSettings(userID: ownerID)
            guard let due = settings.dueStep(notAfter: notAfter, now: now) else { return false }
            let wanted = due.isExpiredNotice ? certificate.notifyExpired : certificate.notifyExpiring
            // Superseded reminders are recorded too, so none of them is ever sent late.
            for earlier in settings.steps(before: due) {
                _ = try store.markReminderSent(certificateID: certificate.id, reminder: earlier.key, at: now)
            }
            guard try store.markReminderSent(certificateID: certificate.id, reminder: due.key, at: now), wanted else {
                return false
            }
            let values = Self.templateValues(
                certificate, notAfter: notAfter, step: due, now: now,
                deployTargets: try store.reader.cloudResources(holding: [certificate.id]))
            let title = ReminderSettings.render(
                due.isExpiredNotice ? settings.expiredTitle : settings.expiringTitle, values)
            let body = ReminderSettings.render(
                due.isExpiredNotice ? settings.expiredBody : settings.expiringBody, values)
            try store.insert(
                Message(
                    userID: ownerID, certificateID: certificate.id,
                    kind: due.isExpiredNotice ? "CERT_EXPIRED" : "CERT_EXPIRING",
                    title: title, body: body, createdAt: now))
            let recipient = try recipient(for: certificate, ownerID: ownerID, store: store.reader)
            if !recipient.isEmpty {
                try store.deliver(
                    Mail(
                        recipient: recipient, subject: title, body: body, certificateID: certificate.id, createdAt: now)
                )
            }
            // RULES.md §6: reminders go by SMS too, to the applicant's phone (the simulated outbox).
            if let phone = try store.reader.application(certificateID: certificate.id)?.applicantPhone, !phone.isEmpty {
                try store.send(SMS(phone: phone, text: "[SCM] \(title)", certificateID: certificate.id, createdAt: now))
            }
            try store.append(
                Event(at: now, actor: "system", action: "scm:reminder", target: certificate.id, detail: due.key))
            return true
        }
    }

    /// The values of the template variables (`ReminderSettings.variables`) for one reminder.
    public static func templateValues(
        _ certificate: Certificate, notAfter: Date, step: ReminderSettings.Step, now: Date,
        deployTargets: [CloudResource] = []
    ) -> [String: String] {
        let targets = deployTargets.map {
            "\($0.kind.product.rawValue) \($0.name)\($0.region.isEmpty ? "" : " (\($0.region))")"
        }
        return [
            "deploy_targets": targets.isEmpty ? "no cloud product" : targets.joined(separator: ", "),
            "name": certificate.name, "id": certificate.id, "domains": certificate.allDomains.joined(separator: ", "),
            "expiry_date": day(notAfter), "days_left": String(max(0, Int(notAfter.timeIntervalSince(now) / .day))),
            "when": step.when, "status": certificate.statusLabel,
            "advice": certificate.isUploaded
                ? "Upload its replacement before then."
                : "Renew it (from 30 days before expiry) or buy a new certificate.",
        ]
    }

    /// The applicant's address, else the owner's console mailbox.
    private func recipient(for certificate: Certificate, ownerID: Int64?, store: StoreReader) throws -> String {
        if let email = try store.application(certificateID: certificate.id)?.applicantEmail, !email.isEmpty {
            return email
        }
        return try ownerID.flatMap { try store.userName(id: $0) } ?? ""
    }

    /// ISSUED or UPLOAD past `notAfter` → EXPIRED (RULES.md §6).
    func expire(until stopRequested: () -> Bool = { false }) throws -> Int {
        let now = context.clock.now
        var expired = 0
        for certificate in try context.database.read({ try $0.certificatesPastExpiry(now: now) }) where !stopRequested()
        {
            do {
                try context.perform(
                    "scm:cert:expire", certificateID: certificate.id, by: .system,
                    guard: { certificate, now in
                        guard certificate.isPastExpiry(now: now) else { throw ServiceContext.lostRace(certificate) }
                    },
                    prepare: { _ in () },
                    apply: { certificate, _, _, _ in
                        certificate.status = .expired
                        certificate.autoRenew = false
                    })
                expired += 1
            } catch let refusal as Refusal where refusal.code == .conflict {
                continue
            }
        }
        return expired
    }

    /// 30 days before expiry: the renewal of an auto-renew certificate, or the next year of a
    /// multi-year subscription, bought and applied for with the same data; the user is told in
    /// the message center (RULES.md §1, §3).
    func renewAutomatically(until stopRequested: () -> Bool = { false }) throws -> Int {
        let now = context.clock.now
        let due = try context.database.read {
            try $0.certificatesDueForAutomaticRenewal(horizon: now + Certificate.renewWindow, now: now)
        }
        var renewed = 0
        for original in due where !stopRequested() {
            do {
                try renewAutomatically(original)
                renewed += 1
            } catch let refusal as Refusal where refusal.code == .conflict {
                continue
            } catch {
                context.logger.error(
                    "automatic renewal failed", metadata: ["certificate": "\(original.id)", "error": "\(error)"])
            }
        }
        return renewed
    }

    func renewAutomatically(_ original: Certificate) throws {
        let management = ManagementService(context: context)
        let stack = original.validityYears > 1
        let renewal = try management.renew(
            certificateID: original.id, choice: .init(of: original, agreed: true),
            operation: stack ? "scm:cert:stack-renew" : "scm:cert:auto-renew",
            yearsLeft: stack ? original.validityYears - 1 : nil,
            by: .system)
        // Apply with the same data, when the data is still here (not after a privacy cancellation).
        let (application, validations) = try context.database.read {
            (try $0.application(certificateID: original.id), try $0.validations(certificateID: original.id))
        }
        var outcome = "It waits for its application on the certificate list."
        if let application {
            var form = ApplicationForm(
                primaryDomain: original.domain, additionalDomains: original.sans.joined(separator: "\n"),
                csrMode: CSRSource.system.rawValue, keyAlgorithm: original.keyAlgorithm.rawValue,
                validationMethod: original.validationMethod.rawValue,
                rootHashAlgorithm: original.rootHashAlgorithm.rawValue,
                agreed: true)
            form.fillDetails(from: application)
            let mailbox =
                validations.first.flatMap { $0.email.split(separator: "@").first.map(String.init) }
                .flatMap { DomainValidation.mailboxNames.contains($0) ? $0 : nil } ?? "admin"
            do {
                let applied = try LifecycleService(context: context).apply(
                    certificateID: renewal.id, form: form, options: .init(validationMailbox: mailbox), by: .system)
                outcome = "It was applied for with the same data and is now \"\(applied.statusLabel)\"."
            } catch let list as RefusalList {
                outcome = "Applying with the same data was refused (\(list.description)); apply for it from the list."
            }
        }
        let now = context.clock.now
        try context.database.write { store in
            _ = try store.insert(
                Message(
                    userID: try store.reader.ownerID(certificateID: original.id), certificateID: renewal.id,
                    kind: "AUTO_RENEWAL",
                    title: stack
                        ? "Next year of \(original.name) started" : "\(original.name) was renewed automatically",
                    body: "\(renewal.name) (\(renewal.id)) renews \(original.name) (\(original.id)), which expires on "
                        + "\(original.notAfter.map(Self.day) ?? "–"). \(outcome)",
                    createdAt: now))
        }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

import Foundation
import Testing

@testable import SCMCore

/// Issue 9: a user's reminder ladder and message templates (RULES.md §6 by default).
@Suite("RULES.md §6: reminder settings")
struct ReminderSettingsTests {
    static let notAfter = Date(timeIntervalSince1970: 1_774_958_400)  // 2026-03-31 12:00 UTC

    static func settings(_ ladder: String, title: String = "{name} expires {when}") throws -> ReminderSettings {
        try ReminderSettings(ladder: ladder, expiringTitle: title, expiringBody: "{advice}", expiredTitle: "{name}", expiredBody: "{id}")
    }

    @Test func defaultIsTheLadderOfRules() {
        #expect(ReminderSettings.default.ladder == [60, 30, 7, 3, 1])
        #expect(ReminderSettings.default.steps.map(\.key) == ["2-months", "1-month", "1-week", "3-days", "1-day", "expired"])
        #expect(ReminderSettings.default.steps.map(\.when) == ["in two months", "in one month", "in one week", "in three days", "tomorrow", "today"])
    }

    @Test func ladderIsParsedSortedAndChecked() throws {
        #expect(try ReminderSettings.parseLadder("1, 7 45,30  15") == [45, 30, 15, 7, 1])
        for (text, message) in [
            ("", "Give at least one reminder day, for example 60, 30, 7, 3, 1."),
            ("30, 0", "Reminder days are whole numbers from 1 to 365; \"0\" is not."),
            ("366", "Reminder days are whole numbers from 1 to 365; \"366\" is not."),
            ("7, 2.5", "Reminder days are whole numbers from 1 to 365; \"2.5\" is not."),
            ("30, 7, 30", "The day 30 is given twice."),
            ("1 2 3 4 5 6 7 8 9 10 11", "At most 10 reminders before expiry; 11 were given."),
        ] {
            #expect(throws: Refusal.invalid("ladder", message)) { try ReminderSettings.parseLadder(text) }
            #expect(throws: RefusalList.self) { try Self.settings(text) }
            do { _ = try ReminderSettings.parseLadder(text) } catch { #expect(error.message == message && error.field == "ladder") }
        }
    }

    @Test func templatesAcceptOnlyKnownVariablesAndEveryErrorIsReported() throws {
        do {
            _ = try ReminderSettings(
                ladder: "x", expiringTitle: "{nmae} soon", expiringBody: "", expiredTitle: "a } b", expiredBody: "{id")
            Issue.record("accepted")
        } catch {
            #expect(error.fields == ["ladder", "expiring_title", "expiring_body", "expired_title", "expired_body"])
            #expect(error.refusals(for: "expiring_title").first?.message.hasPrefix("Unknown variable {nmae}. Use {name}, {id},") == true)
            #expect(error.refusals(for: "expiring_body").first?.message == "This template may not be empty.")
            #expect(error.refusals(for: "expired_title").first?.message == "Braces must pair up as {variable}.")
        }
        let long = String(repeating: "a", count: ReminderSettings.maximumTitleLength + 1)
        #expect(throws: RefusalList.self) { try Self.settings("7", title: long) }
    }

    @Test func renderReplacesEveryVariable() {
        let text = ReminderSettings.render(
            "{name}: {days_left} days left ({domains}) {id}{id}", ["name": "shop", "days_left": "45", "domains": "a.example, b.example", "id": "x"])
        #expect(text == "shop: 45 days left (a.example, b.example) xx")
    }

    /// Each rung at −1 s, 0 and +1 s; the latest rung whose time came is the one due.
    @Test(arguments: [-1.0, 0, 1])
    func customLadderSteps(offset: TimeInterval) throws {
        let settings = try Self.settings("45, 15")
        #expect(settings.steps.map(\.key) == ["45-days", "15-days", "expired"])
        let at45 = settings.dueStep(notAfter: Self.notAfter, now: Self.notAfter - .days(45) + offset)
        #expect(at45 == (offset < 0 ? nil : ReminderSettings.Step(days: 45)))
        let at15 = settings.dueStep(notAfter: Self.notAfter, now: Self.notAfter - .days(15) + offset)
        #expect(at15 == ReminderSettings.Step(days: offset < 0 ? 45 : 15))
        let onTheDay = settings.dueStep(notAfter: Self.notAfter, now: Self.notAfter + offset)
        #expect(onTheDay == ReminderSettings.Step(days: offset < 0 ? 15 : 0))
        let dayLate = settings.dueStep(notAfter: Self.notAfter, now: Self.notAfter + .days(1) + offset)
        #expect(dayLate == (offset <= 0 ? ReminderSettings.Step(days: 0) : nil))
        #expect(settings.steps(before: .init(days: 0)).map(\.days) == [45, 15])
        #expect(ReminderSettings.Step(days: 45).when == "in 45 days")
    }
}

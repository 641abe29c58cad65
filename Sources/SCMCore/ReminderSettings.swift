import Foundation

/// A user's expiry reminders (RULES.md §6, issue 9): the ladder of days before expiry at which
/// a CERT_EXPIRING reminder is due, plus the CERT_EXPIRED notice on the day itself, and the
/// message templates both are written with. The default is RULES.md §6's ladder and wording.
public struct ReminderSettings: Sendable, Equatable {
    /// Days before expiry, strictly descending, each 1...`maximumDays`.
    public private(set) var ladder: [Int]
    public var expiringTitle: String
    public var expiringBody: String
    public var expiredTitle: String
    public var expiredBody: String

    public static let defaultLadder = [60, 30, 7, 3, 1]
    public static let maximumDays = 365
    public static let maximumSteps = 10
    public static let maximumTitleLength = 200
    public static let maximumBodyLength = 2000

    public static let `default` = ReminderSettings(
        checkedLadder: defaultLadder,
        expiringTitle: "Certificate {name} expires {when}",
        expiringBody: "{name} ({id}) for {domains} expires on {expiry_date}. {advice}",
        expiredTitle: "Certificate {name} expires today",
        expiredBody: "{name} ({id}) for {domains} expires on {expiry_date}. {advice}")

    private init(checkedLadder: [Int], expiringTitle: String, expiringBody: String, expiredTitle: String, expiredBody: String) {
        ladder = checkedLadder
        self.expiringTitle = expiringTitle
        self.expiringBody = expiringBody
        self.expiredTitle = expiredTitle
        self.expiredBody = expiredBody
    }

    /// Settings from a form or a stored row; every field's error at once, each naming its field.
    public init(ladder: String, expiringTitle: String, expiringBody: String, expiredTitle: String, expiredBody: String)
        throws(RefusalList)
    {
        var refusals: [Refusal] = []
        var days: [Int] = []
        do { days = try Self.parseLadder(ladder) } catch { refusals.append(error) }
        for (field, text, limit) in [
            ("expiring_title", expiringTitle, Self.maximumTitleLength), ("expiring_body", expiringBody, Self.maximumBodyLength),
            ("expired_title", expiredTitle, Self.maximumTitleLength), ("expired_body", expiredBody, Self.maximumBodyLength),
        ] {
            do { try Self.checkTemplate(text, field: field, limit: limit) } catch { refusals.append(error) }
        }
        guard refusals.isEmpty else { throw RefusalList(refusals) }
        self.init(
            checkedLadder: days, expiringTitle: expiringTitle, expiringBody: expiringBody, expiredTitle: expiredTitle,
            expiredBody: expiredBody)
    }

    public var ladderText: String { ladder.map(String.init).joined(separator: ", ") }

    /// "45, 30, 15, 7, 1" (commas or spaces) → [45, 30, 15, 7, 1]: whole days from 1 to 365, at
    /// most ten, no day twice; the order given does not matter.
    public static func parseLadder(_ text: String) throws(Refusal) -> [Int] {
        let parts = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        guard !parts.isEmpty else {
            throw Refusal.invalid("ladder", "Give at least one reminder day, for example 60, 30, 7, 3, 1.")
        }
        var days: [Int] = []
        for part in parts {
            guard let day = Int(part), (1...maximumDays).contains(day) else {
                throw Refusal.invalid("ladder", "Reminder days are whole numbers from 1 to \(maximumDays); \"\(part.prefix(20))\" is not.")
            }
            guard !days.contains(day) else { throw Refusal.invalid("ladder", "The day \(day) is given twice.") }
            days.append(day)
        }
        guard days.count <= maximumSteps else {
            let given = days.count
            throw Refusal.invalid("ladder", "At most \(maximumSteps) reminders before expiry; \(given) were given.")
        }
        return days.sorted(by: >)
    }

    // MARK: Templates

    /// The variables a template may use, each written `{name}`.
    public static let variables: [(name: String, meaning: String)] = [
        ("name", "the certificate's name"), ("id", "the certificate's ID"),
        ("domains", "its domain names, separated by commas"), ("expiry_date", "the expiry date (UTC, YYYY-MM-DD)"),
        ("days_left", "whole days until expiry (0 on the day)"), ("when", "\"in one month\", \"in 45 days\", \"tomorrow\" or \"today\""),
        ("status", "the status as the console labels it"), ("advice", "what to do: renew, or upload the replacement"),
        ("deploy_targets", "the cloud resources that hold the certificate now (WAF, ELB, CDN, VOD)"),
    ]

    /// Unknown variables and unbalanced braces are refused when saved, so a reminder never goes
    /// out with a literal `{nmae}` in it.
    static func checkTemplate(_ text: String, field: String, limit: Int) throws(Refusal) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal.invalid(field, "This template may not be empty.") }
        guard text.count <= limit else { throw Refusal.invalid(field, "At most \(limit) characters.") }
        var rest = text[...]
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{", let close = rest[open...].firstIndex(of: "}") else {
                throw Refusal.invalid(field, "Braces must pair up as {variable}.")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard variables.contains(where: { $0.name == name }) else {
                throw Refusal.invalid(
                    field, "Unknown variable {\(name.prefix(30))}. Use \(variables.map { "{\($0.name)}" }.joined(separator: ", ")).")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    /// `template` with each `{variable}` replaced by its value (the template was checked when saved).
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            output += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    // MARK: When a reminder is due

    /// One rung of the ladder: `days` before expiry, or the notice on the day (`days == 0`).
    public struct Step: Sendable, Equatable {
        public let days: Int
        public var isExpiredNotice: Bool { days == 0 }

        public init(days: Int) { self.days = days }

        /// The key recorded in `reminders_sent`, so a step is sent once, ever. RULES.md §6's
        /// rungs keep the names they always had; other days are "N-days".
        public var key: String {
            switch days {
            case 0: "expired"
            case 1: "1-day"
            case 3: "3-days"
            case 7: "1-week"
            case 30: "1-month"
            case 60: "2-months"
            default: "\(days)-days"
            }
        }

        public var when: String {
            switch days {
            case 0: "today"
            case 1: "tomorrow"
            case 3: "in three days"
            case 7: "in one week"
            case 30: "in one month"
            case 60: "in two months"
            default: "in \(days) days"
            }
        }
    }

    /// The ladder's steps, earliest first, ending with the notice on the day.
    public var steps: [Step] { ladder.map { Step(days: $0) } + [Step(days: 0)] }

    /// The step due at `now`: the latest whose time has come. Earlier steps whose time also
    /// passed (the server was down, or the certificate was issued late in its ladder) are
    /// superseded, not sent late; the notice on the day is not sent more than a day late.
    public func dueStep(notAfter: Date, now: Date) -> Step? {
        guard let step = steps.last(where: { now >= notAfter - .days(Double($0.days)) }) else { return nil }
        return step.isExpiredNotice && now > notAfter + .days(1) ? nil : step
    }

    /// The steps before `step`, recorded as done when `step` is sent.
    public func steps(before step: Step) -> [Step] { Array(steps.prefix(while: { $0 != step })) }
}

import Foundation

/// The one source of "now" for every time-dependent rule (RULES.md §6).
///
/// The core never reads the system time: each decision takes `now` as a parameter, and the
/// callers get it from the `Clock` they were given, so a test or a demo can pin or shift it.
public protocol Clock: Sendable {
    var now: Date { get }
}

/// The machine's time, optionally shifted by a fixed offset (`scm serve --clock-offset`), so that
/// expiry and time windows can be demonstrated without waiting.
public struct SystemClock: Clock {
    public let offset: TimeInterval
    public init(offset: TimeInterval = 0) { self.offset = offset }
    public var now: Date { Date().addingTimeInterval(offset) }
}

/// A clock that says what it is told: tests and `scm tick --at`.
public final class FixedClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    public init(_ now: Date) { current = now }
    public var now: Date { lock.withLock { current } }
    public func advance(by interval: TimeInterval) { lock.withLock { current += interval } }
    public func set(_ date: Date) { lock.withLock { current = date } }
}

extension TimeInterval {
    public static let day: TimeInterval = 86_400
    public static func days(_ count: Double) -> TimeInterval { count * day }
}

import Foundation
import SCMCore

/// The background work of RULES.md §5–§6: the CA's review steps (and, as later issues add them,
/// expiry and reminders). One pass is `runOnce`; `scm serve` runs passes on its own thread and
/// `scm tick` runs one. A lease row makes sure only one host works at a time (DESIGN.md).
public final class Scheduler: @unchecked Sendable {
    let context: ServiceContext
    let ca: CAService
    let holder: String
    private let stopped = NSCondition()
    private var isStopped = false

    public init(context: ServiceContext, holder: String = "\(ProcessInfo.processInfo.hostName):\(getpid())") {
        self.context = context
        self.ca = CAService(context: context)
        self.holder = holder
    }

    /// One pass; returns the number of steps taken, or nil when another host holds the lease.
    @discardableResult
    public func runOnce() throws -> Int? {
        let now = context.clock.now
        let leased = try context.database.write { try $0.acquireLease("scheduler", holder: holder, now: now, until: now + 30) }
        guard leased else { return nil }
        return try ca.tick() + ExpiryService(context: context).runOnce()
    }

    /// Runs passes every `interval` seconds until `stop()`.
    public func run(every interval: TimeInterval) {
        while true {
            do { try runOnce() } catch {
                context.logger.error("scheduler pass failed", metadata: ["error": "\(error)"])
            }
            stopped.lock()
            if !isStopped { _ = stopped.wait(until: Date() + interval) }
            let done = isStopped
            stopped.unlock()
            if done { return }
        }
    }

    public func stop() {
        stopped.lock()
        isStopped = true
        stopped.signal()
        stopped.unlock()
    }
}

import Foundation
import SCMCore

/// The background work of RULES.md §5–§6: the CA's review steps, expiry, reminders and automatic
/// renewal. One pass is `runOnce`; `scm serve` runs passes on a thread of its own (`start`) and
/// `scm tick` runs one. A lease row makes sure only one host works at a time (DESIGN.md).
public final class Scheduler: @unchecked Sendable {
    let context: ServiceContext
    let ca: CAService
    let holder: String
    private let stopped = NSCondition()
    private var isStopped = false
    private var isRunning = false

    static let leaseName = "scheduler"
    /// How long a pass's lease lasts; every pass renews it.
    static let leaseDuration: TimeInterval = 30

    public init(context: ServiceContext, holder: String = Scheduler.processHolder) {
        self.context = context
        self.ca = CAService(context: context)
        self.holder = holder
    }

    /// This process as a lease holder: host and process id.
    public static var processHolder: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }

    /// One pass; returns the number of steps taken, or nil when another host holds the lease.
    /// After `stop()` the pass ends at the next certificate: one that is finished is finished
    /// (each is its own transaction), the rest waits for the next pass.
    @discardableResult
    public func runOnce() throws -> Int? {
        guard try acquireLease() else { return nil }
        let stopRequested = { self.stopped.withLock { self.isStopped } }
        return try ca.tick(until: stopRequested) + ExpiryService(context: context).runOnce(until: stopRequested)
            + WebhookService(context: context).runOnce(until: stopRequested)
    }

    /// The lease is ours when free, ours already, run out, or held by a process of this host
    /// that no longer exists: a process killed with its lease (kill -9, a crash) must not keep
    /// the next one waiting until the time on the row, which a clock set ahead (an NTP step
    /// back, `--clock-offset-days`) can put days away. Holders on other hosts are waited for.
    private func acquireLease() throws -> Bool {
        let now = context.clock.now
        let until = now + Self.leaseDuration
        return try context.database.write { store in
            if try store.acquireLease(Self.leaseName, holder: holder, now: now, until: until) { return true }
            guard let current = try store.reader.leaseHolder(Self.leaseName), Self.isGoneLocalProcess(current) else { return false }
            context.logger.info("scheduler lease taken over from a process that has ended", metadata: ["holder": "\(current)"])
            return try store.takeOverLease(Self.leaseName, from: current, holder: holder, until: until)
        }
    }

    /// Whether `holder` names a process of this host that is not running any more.
    static func isGoneLocalProcess(_ holder: String) -> Bool {
        guard let colon = holder.lastIndex(of: ":"), holder[..<colon] == ProcessInfo.processInfo.hostName,
            let pid = pid_t(holder[holder.index(after: colon)...]), pid > 0, pid != getpid()
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Gives the lease back, so that the next process (a restart, `scm tick`) need not wait.
    public func releaseLease() {
        do {
            try context.database.write { try $0.releaseLease(Self.leaseName, holder: holder) }
        } catch {
            context.logger.error("scheduler lease not released", metadata: ["error": "\(error)"])
        }
    }

    /// Runs passes every `interval` seconds on a new thread until `stop()`; `waitUntilStopped()`
    /// waits for its last pass.
    public func start(every interval: TimeInterval) {
        stopped.lock()
        isRunning = true
        stopped.unlock()
        Thread { self.run(every: interval) }.start()
    }

    private func run(every interval: TimeInterval) {
        while true {
            do { try runOnce() } catch {
                context.logger.error("scheduler pass failed", metadata: ["error": "\(error)"])
            }
            stopped.lock()
            if !isStopped { _ = stopped.wait(until: Date() + interval) }
            let done = isStopped
            stopped.unlock()
            if done { break }
        }
        releaseLease()
        stopped.lock()
        isRunning = false
        stopped.broadcast()
        stopped.unlock()
    }

    /// Asks the passes to end; the one in progress stops at its next certificate (`runOnce`).
    public func stop() {
        stopped.lock()
        isStopped = true
        stopped.broadcast()
        stopped.unlock()
    }

    /// Returns once the pass in progress has finished and the lease is given back (after `stop()`).
    public func waitUntilStopped() {
        stopped.lock()
        while isRunning { stopped.wait() }
        stopped.unlock()
    }
}

import Foundation
import SCMCore
import SCMStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Webhook deliveries (issue 9): each message whose owner set a webhook for its kind is queued
/// with it (`StoreWriter.insert(_ message:)`); the scheduler's pass POSTs the JSON here, outside
/// any transaction and never inside a request, retrying with exponential backoff.
public struct WebhookService: Sendable {
    public let context: ServiceContext
    /// Sends one POST and answers the HTTP status, or throws; replaceable in tests.
    let post: @Sendable (URL, Data) throws -> Int

    /// Attempts before a delivery is given up as failed.
    public static let maxAttempts = 6
    /// The wait after the first failure; each further failure doubles it (30 s, 1 min, 2 min, …).
    public static let firstRetry: TimeInterval = 30

    public init(context: ServiceContext, post: (@Sendable (URL, Data) throws -> Int)? = nil) {
        self.context = context
        self.post = post ?? Self.httpPost
    }

    /// Supported event types: the kinds of message the console writes, the expiry reminders
    /// and automatic renewals (ExpiryService) and the CA's outcomes (CANotice).
    public static let eventTypes: [(type: String, label: String)] =
        [
            ("CERT_EXPIRING", "Certificate expiring"), ("CERT_EXPIRED", "Certificate expired"),
            ("AUTO_RENEWAL", "Automatic renewal"),
        ] + CANotice.eventTypes

    /// Saves a user's webhook URLs (an empty one removes it); only http(s) URLs are accepted.
    public func save(userID: Int64, urls: [String: String]) throws {
        for (type, url) in urls {
            guard Self.eventTypes.contains(where: { $0.type == type }) else { continue }
            let trimmed = url.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty {
                guard let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                    parsed.host?.isEmpty == false
                else {
                    throw Refusal(
                        .invalidInput, "The webhook address must be an http:// or https:// URL with a host name.",
                        field: "url_\(type)")
                }
            }
            try context.database.write { try $0.saveWebhook(userID: userID, eventType: type, url: trimmed, at: context.clock.now) }
        }
    }

    /// Wall-clock time a pass may spend on POSTs: slow endpoints must not hold the scheduler's
    /// lease (30 s) or delay the CA's steps; what is left waits for the next pass.
    static let passBudget: TimeInterval = 12

    /// One pass: due deliveries tried once each, within `passBudget`; returns the number delivered.
    @discardableResult
    public func runOnce(until stopRequested: () -> Bool = { false }) throws -> Int {
        let now = context.clock.now
        let started = Date()
        var delivered = 0
        for delivery in try context.database.read({ try $0.dueWebhookDeliveries(now: now) }) where !stopRequested() {
            guard Date().timeIntervalSince(started) < Self.passBudget else { break }
            let (ok, result): (Bool, String)
            if let url = URL(string: delivery.url) {
                do {
                    let status = try post(url, Data(delivery.payload.utf8))
                    (ok, result) = ((200..<300).contains(status), "HTTP \(status)")
                } catch {
                    (ok, result) = (false, "\(error.localizedDescription)")
                }
            } else {
                (ok, result) = (false, "Invalid URL")
            }
            let attempts = delivery.attempts + 1
            let state: WebhookDelivery.State = ok ? .delivered : attempts >= Self.maxAttempts ? .failed : .pending
            let next = now + Self.firstRetry * pow(2, Double(attempts - 1))
            try context.database.write {
                try $0.recordWebhookAttempt(id: delivery.id, state: state, result: result, nextAttemptAt: next, at: now)
            }
            if ok { delivered += 1 }
        }
        return delivered
    }

    /// A blocking POST with a short timeout: the scheduler's thread waits for it.
    static let httpPost: @Sendable (URL, Data) throws -> Int = { url, body in
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("scm-webhook/1", forHTTPHeaderField: "User-Agent")
        request.httpBody = body
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, error in
            outcome.set((response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        done.wait()
        let (status, error) = outcome.get()
        if let error { throw error }
        return status ?? 0
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var status: Int?
        private var error: Error?
        func set(_ status: Int?, _ error: Error?) {
            lock.lock()
            (self.status, self.error) = (status, error)
            lock.unlock()
        }
        func get() -> (Int?, Error?) {
            lock.lock()
            defer { lock.unlock() }
            return (status, error)
        }
    }
}

import Foundation
import SCMCore
import SCMStore

/// The message center's read state and webhooks (issue 9). A user sees their own messages;
/// administrators see every user's, as on the Messages page.
public struct MessageCenterService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    private func scope(_ principal: Principal) -> Int64? { principal.isAdmin ? nil : principal.userID }

    /// Whose messages the principal's reading marks read (`Inbox`): an administrator looking at
    /// another user's message leaves it unread for that user.
    private func inbox(_ principal: Principal) -> Inbox { Inbox(userID: principal.userID, isAdmin: principal.isAdmin) }

    /// Opens a message and marks it read when it is in the principal's inbox (once: the first
    /// reading time stays).
    public func open(id: Int64, by principal: Principal) throws -> Message {
        try context.database.write { store in
            guard var message = try store.reader.message(id: id),
                principal.isAdmin || message.userID == principal.userID
            else { throw Refusal(.notFound, "There is no message \(id).") }
            if message.readAt == nil, inbox(principal).holds(message) {
                try store.markMessageRead(id: id, at: context.clock.now)
                message.readAt = context.clock.now
            }
            return message
        }
    }

    /// Marks every message of the principal's inbox read; returns how many were unread.
    public func markAllRead(by principal: Principal) throws -> Int {
        try context.database.write { try $0.markAllMessagesRead(in: inbox(principal), at: context.clock.now) }
    }

    public func webhooks(for principal: Principal) throws -> [Webhook] {
        guard let userID = principal.userReference else { return [] }
        return try context.database.read { try $0.webhooks(userID: userID) }
    }

    public func saveWebhooks(_ urls: [String: String], by principal: Principal) throws {
        guard let userID = principal.userReference else {
            throw Refusal(.forbidden, "Webhooks belong to a signed-in user.")
        }
        try WebhookService(context: context).save(userID: userID, urls: urls)
    }

    /// One page of the webhook delivery log the principal may read, newest first, with the total.
    public func deliveries(for principal: Principal, offset: Int, limit: Int) throws -> Page<WebhookDelivery> {
        let userID = scope(principal)
        return try context.database.read { store in
            Page(
                items: try store.webhookDeliveries(userID: userID, offset: offset, limit: limit),
                total: try store.webhookDeliveryCount(userID: userID))
        }
    }

    /// One page of the SMS outbox, newest first, with the total.
    public func smsOutbox(offset: Int, limit: Int) throws -> Page<SMS> {
        try context.database.read { store in
            Page(items: try store.smsOutbox(offset: offset, limit: limit), total: try store.smsCount())
        }
    }
}

import Foundation
import SCMCore
import SCMStore

/// The expiry notification switches of certificates (scm-v3.md §4.6): `notifyExpiring` and
/// `notifyExpired`, read by the scheduler's reminders.
public struct NotificationService: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public enum Kind: String, CaseIterable, Sendable {
        case expiring = "CERT_EXPIRING"
        case expired = "CERT_EXPIRED"
    }

    /// Switches the given kinds on or off for every listed certificate in one transaction: an
    /// unknown ID refuses the whole request, so nothing is half-applied.
    public func set(_ entries: [(certificateID: String, kinds: Set<Kind>)], enabled: Bool, by principal: Principal) throws {
        let now = context.clock.now
        try context.database.write { store in
            for (id, kinds) in entries {
                guard var certificate = try store.reader.certificate(id: id) else {
                    throw Refusal(.notFound, "There is no certificate with ID \(id).")
                }
                // The ids come in the body, not the route, so their projects are checked here.
                try principal.permissions.authorize(.certUpdate, onCertificate: id, in: certificate.enterpriseProject)
                let expected = certificate.status
                if kinds.contains(.expiring) { certificate.notifyExpiring = enabled }
                if kinds.contains(.expired) { certificate.notifyExpired = enabled }
                certificate.updatedAt = now
                try store.update(certificate, expectedStatus: expected)
                try store.append(
                    Event(at: now, actor: principal.name, action: "scm:notification:\(enabled ? "enable" : "disable")", target: id,
                          detail: kinds.map(\.rawValue).sorted().joined(separator: ", "), remoteAddress: principal.remoteAddress))
            }
        }
    }
}

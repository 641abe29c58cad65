import Foundation
import SCMCore
import SCMStore

extension ServiceContext {
    /// Runs one operation on one certificate the way every operation runs (DESIGN.md):
    ///
    /// 1. load the certificate and ask the core guard (`check`) with the clock's `now`;
    /// 2. do the slow work (key generation, signing) outside any transaction;
    /// 3. in one transaction: reload, guard again, apply the change, compare-and-set on the
    ///    status it was loaded with, and append the event row.
    ///
    /// Of two concurrent submissions exactly one wins; the other gets a `.conflict` refusal
    /// that says what the certificate became. A refusal is recorded as an event too.
    @discardableResult
    func perform<Prepared>(
        _ action: String, certificateID: String, by principal: Principal, detail: String = "",
        guard guardOperation: (Certificate, Date) throws -> Void,
        prepare: (Certificate) throws -> Prepared,
        apply: (inout Certificate, StoreWriter, Prepared, Date) throws -> Void
    ) throws -> Certificate {
        try recordingRefusal(action, certificateID: certificateID, by: principal) {
            let loaded = try loadCertificate(certificateID)
            try guardOperation(loaded, clock.now)
            let prepared = try prepare(loaded)
            let now = clock.now
            return try database.write { store in
                guard var certificate = try store.reader.certificate(id: certificateID) else {
                    throw Refusal(.notFound, "There is no certificate with ID \(certificateID).")
                }
                guard certificate.status == loaded.status else { throw Self.lostRace(certificate) }
                try guardOperation(certificate, now)
                let expected = certificate.status
                try apply(&certificate, store, prepared, now)
                certificate.updatedAt = now
                do {
                    try store.update(certificate, expectedStatus: expected)
                } catch is StaleState {
                    throw Self.lostRace(certificate)
                }
                try store.append(
                    Event(at: now, actor: principal.name, action: action, target: certificateID, detail: detail,
                          remoteAddress: principal.remoteAddress))
                return certificate
            }
        }
    }

    /// Runs `body`; a `Refusal` it throws is recorded as a refused `action` on the certificate,
    /// with the rule's message, and thrown on. Every operation's refusal is in the certificate's
    /// History and the audit log, including one refused before `perform` starts (an operation
    /// that checks its state before validating its form, so the state is what the user hears of).
    func recordingRefusal<Outcome>(
        _ action: String, certificateID: String, by principal: Principal, _ body: () throws -> Outcome
    ) throws -> Outcome {
        do {
            return try body()
        } catch let refusal as Refusal {
            try? database.write { store in
                try store.append(
                    Event(at: clock.now, actor: principal.name, action: action, target: certificateID, result: .refused,
                          detail: refusal.message, remoteAddress: principal.remoteAddress))
            }
            throw refusal
        }
    }

    /// The same, for an operation of the core's table with no slow work.
    @discardableResult
    func perform(
        _ operation: Certificate.Operation, certificateID: String, by principal: Principal,
        channel: Certificate.Channel = .console, detail: String = "",
        apply: (inout Certificate, StoreWriter, Date) throws -> Void
    ) throws -> Certificate {
        try perform(
            "scm:cert:\(operation.rawValue)", certificateID: certificateID, by: principal, detail: detail,
            guard: { certificate, now in try check(operation, on: certificate, now: now, channel: channel) },
            prepare: { _ in () },
            apply: { certificate, store, _, now in try apply(&certificate, store, now) })
    }

    func loadCertificate(_ id: String) throws -> Certificate {
        guard let certificate = try database.read({ try $0.certificate(id: id) }) else {
            throw Refusal(.notFound, "There is no certificate with ID \(id).")
        }
        return certificate
    }

    static func lostRace(_ current: Certificate) -> Refusal {
        Refusal(
            .conflict,
            "The certificate changed while this was being submitted: it is now \"\(current.statusLabel)\". Nothing was done; reload to see it.")
    }
}

import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// Re-sealing every sealed key under a new master key (`scm keys rotate`, issue 8).
public enum KeyRotation {
    /// Opens each sealed value with `old` and seals it with `new` in ONE write transaction with
    /// its audit event: a value that does not open (wrong old key) rolls everything back.
    public static func reseal(_ database: AppDatabase, from old: KeySealer, to new: KeySealer, at now: Date) throws -> Int {
        try database.write { store in
            let count = try store.resealAll { sealed in try new.seal(try old.open(sealed)) }
            try store.append(Event(at: now, actor: "system", action: "keys:rotate", detail: "\(count) sealed values re-sealed"))
            return count
        }
    }
}

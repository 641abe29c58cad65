import Foundation
import Logging
import SCMCore
import SCMStore

/// Everything an operation needs, passed in (STYLE.md: no singletons). `scm`'s main wires the
/// live ones; a test swaps any of them.
public struct ServiceContext: Sendable {
    public let database: AppDatabase
    public let clock: any Clock
    public let identifiers: any IdentifierGenerator
    public let logger: Logger

    public init(database: AppDatabase, clock: any Clock, identifiers: any IdentifierGenerator, logger: Logger) {
        self.database = database
        self.clock = clock
        self.identifiers = identifiers
        self.logger = logger
    }
}

/// Makes the identifiers of new rows: certificate IDs `scs` + 13 digits (scm-v3.md §1), order
/// IDs, names `scm-` + 6 hex digits (RULES.md §1).
public protocol IdentifierGenerator: Sendable {
    func certificateID() -> String
    func orderID() -> String
    func certificateName() -> String
}

public struct RandomIdentifiers: IdentifierGenerator {
    public init() {}
    public func certificateID() -> String {
        "scs" + String(UInt64.random(in: 1_000_000_000_000...9_999_999_999_999))
    }
    public func orderID() -> String {
        "CS" + String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
    }
    public func certificateName() -> String {
        "scm-" + String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
    }
}

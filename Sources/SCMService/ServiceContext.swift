import Foundation
import Logging
import SCMCloud
import SCMCore
import SCMPKI
import SCMStore

/// Everything an operation needs, passed in (STYLE.md: no singletons). `scm`'s main wires the
/// live ones; a test swaps any of them.
public struct ServiceContext: Sendable {
    public let database: AppDatabase
    public let clock: any Clock
    public let identifiers: any IdentifierGenerator
    public let logger: Logger
    /// Seals every private key at rest with the master key (RULES.md §7, issue 8).
    public let sealer: KeySealer
    /// Multiplies the CA's nominal review times (RULES.md §5): small for demos, 0 in tests.
    public let reviewScale: Double
    /// Where deployments become visible over TLS; nil: nothing is written (tests of the rules).
    public let edge: TLSEdge?

    public init(
        database: AppDatabase, clock: any Clock, identifiers: any IdentifierGenerator, logger: Logger, sealer: KeySealer,
        reviewScale: Double = ServiceContext.demoReviewScale, edge: TLSEdge? = nil
    ) {
        self.database = database
        self.clock = clock
        self.identifiers = identifiers
        self.logger = logger
        self.sealer = sealer
        self.reviewScale = reviewScale
        self.edge = edge
    }

    /// DV in about a second, OV in about 13 s, EV in about 30 s.
    public static let demoReviewScale = 0.00005
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

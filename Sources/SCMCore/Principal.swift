/// The signed-in user on whose behalf an operation runs: every handler and service function
/// receives one, so permission checks plug in at one place.
public struct Principal: Sendable, Equatable {
    public var userID: Int64
    public var name: String
    public var isAdmin: Bool
    /// Where the request came from, for the audit log.
    public var remoteAddress: String

    public init(userID: Int64, name: String, isAdmin: Bool, remoteAddress: String = "") {
        self.userID = userID
        self.name = name
        self.isAdmin = isAdmin
        self.remoteAddress = remoteAddress
    }

    /// The scheduler and the CA simulator act as this principal.
    public static let system = Principal(userID: 0, name: "system", isAdmin: true)

    /// The user to record as owner or buyer: nil for the system (and any principal that is not a
    /// stored user), which is never written as a `users` reference.
    public var userReference: Int64? { userID > 0 ? userID : nil }
}

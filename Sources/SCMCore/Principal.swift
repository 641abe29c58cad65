/// The signed-in user on whose behalf an operation runs: every handler and service function
/// receives one, so permission checks plug in at one place.
public struct Principal: Sendable, Equatable {
    public var userID: Int64
    public var name: String
    public var isAdmin: Bool
    /// Where the request came from, for the audit log.
    public var remoteAddress: String
    /// The user's policies (RULES.md §9). The web layer checks a route's action before the
    /// handler runs; services read these only for what the route cannot know: which enterprise
    /// projects a list may show, and the project a certificate is bought, uploaded or moved into.
    public var permissions: PermissionSet

    /// `permissions` nil: what `isAdmin` alone grants (SCM Administrator, or nothing), for
    /// principals that are not loaded with their groups (the CLI, tests).
    public init(userID: Int64, name: String, isAdmin: Bool, remoteAddress: String = "", permissions: PermissionSet? = nil) {
        self.userID = userID
        self.name = name
        self.isAdmin = isAdmin
        self.remoteAddress = remoteAddress
        self.permissions = permissions ?? (isAdmin ? .administrator : .none)
    }

    /// The scheduler and the CA simulator act as this principal.
    public static let system = Principal(userID: 0, name: "system", isAdmin: true)

    /// The user to record as owner or buyer: nil for the system (and any principal that is not a
    /// stored user), which is never written as a `users` reference.
    public var userReference: Int64? { userID > 0 ? userID : nil }
}

import Foundation
import SCMCore
import SCMStore

/// One request on its way through a handler: the parsed request, the route's captures, and
/// the signed-in session whose user is the principal of every operation.
struct RequestContext {
    let request: HTTPRequest
    let parameters: [String: String]
    let session: Session?
    let requestID: String
    /// The one-shot message left by the previous POST (see `WebApp.flashCookie`).
    let flash: String?
    /// The owner of the access key that signed an API request (`Router.Access.apiSignature`).
    var apiUser: User? = nil
    /// The caller's policies, loaded once by `WebApp.respond`: pages hide what they deny.
    var permissions: PermissionSet = .none
    /// The route being served: the action and target a refusal is audited with (`WebApp.answer(to:in:)`).
    var route: Router.Route? = nil

    /// The actor of every service call. Only `.signedIn` routes reach handlers that use it.
    var principal: Principal {
        guard let user = session?.user ?? apiUser else { return Principal(userID: -1, name: "anonymous", isAdmin: false) }
        return Principal(
            userID: user.id, name: user.name, isAdmin: user.isAdmin, remoteAddress: request.remoteAddress,
            permissions: permissions)
    }

    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}

import Foundation
import SCMCore
import SCMService
import SCMStore

/// `GET /users/access-keys`: the signed-in user's API access keys (at most two), with create,
/// disable/enable and delete. A new secret key appears once, on the page that created it.
struct AccessKeysPage {
    struct Row {
        let accessKey: String
        let enabled: Bool
        let created: String
        let lastUsed: String
        let toggleAction: String
        let toggleLabel: String
        let deleteAction: String
    }

    /// The key pair just created: shown this once.
    struct NewKey {
        let accessKey: String
        let secretKey: String
    }

    let layout: Layout
    let rows: [Row]
    let canCreate: Bool
    let maximum: Int
    let newKey: NewKey?
    let error: String?
}

extension WebApp {
    static let accessKeysPath = "/users/access-keys"

    func addAccessKeyRoutes(_ router: inout Router) {
        router.add("GET", "users/access-keys") { try showAccessKeys(&$0) }
        router.add("POST", "users/access-keys") { try createAccessKey(&$0) }
        router.add("POST", "users/access-keys/:ak/disable") { try toggleAccessKey(&$0, enabled: false) }
        router.add("POST", "users/access-keys/:ak/enable") { try toggleAccessKey(&$0, enabled: true) }
        router.add("POST", "users/access-keys/:ak/delete") { try deleteAccessKey(&$0) }
    }

    private func accessKeysPage(_ context: RequestContext, newKey: AccessKeysPage.NewKey? = nil, error: String? = nil) throws -> String {
        let keys = try AccessKeyService(context: self.context).list(by: context.principal)
        let rows = keys.map { key in
            AccessKeysPage.Row(
                accessKey: key.accessKeyID, enabled: key.enabled, created: APIFormat.time(key.createdAt).dropLast(2) + " UTC",
                lastUsed: key.lastUsedAt.map { APIFormat.time($0).dropLast(2) + " UTC" } ?? "never",
                toggleAction: "\(Self.accessKeysPath)/\(key.accessKeyID)/\(key.enabled ? "disable" : "enable")",
                toggleLabel: key.enabled ? "Disable" : "Enable", deleteAction: "\(Self.accessKeysPath)/\(key.accessKeyID)/delete")
        }
        let page = AccessKeysPage(
            layout: layout(
                title: "Access Keys", request: context, section: "users",
                crumbs: [Crumb(title: "Users", href: nil), Crumb(title: "Access Keys", href: nil)], flash: context.flash),
            rows: rows, canCreate: keys.count < AccessKeyService.maximumKeysPerUser, maximum: AccessKeyService.maximumKeysPerUser,
            newKey: newKey, error: error)
        return templates.render(page, "access-keys")
    }

    func showAccessKeys(_ context: inout RequestContext) throws -> HTTPResponse {
        .html(try accessKeysPage(context))
    }

    /// Answers with the page itself (not a redirect): the secret key must not travel in a flash
    /// cookie or a URL, and this response is the only time it is shown.
    func createAccessKey(_ context: inout RequestContext) throws -> HTTPResponse {
        do {
            let created = try AccessKeyService(context: self.context).create(by: context.principal)
            if context.request.wantsJSON {
                return .json(["access_key": created.key.accessKeyID, "secret_key": created.secret])
            }
            let newKey = AccessKeysPage.NewKey(accessKey: created.key.accessKeyID, secretKey: created.secret)
            return .html(try accessKeysPage(context, newKey: newKey), status: 201)
        } catch let refusal as Refusal {
            let reply = answer(to: refusal, in: context)
            if context.request.wantsJSON {
                return .json(["error_code": reply.code, "error_msg": refusal.message], status: reply.status)
            }
            return .html(try accessKeysPage(context, error: refusal.message), status: reply.status)
        }
    }

    func toggleAccessKey(_ context: inout RequestContext, enabled: Bool) throws -> HTTPResponse {
        let key = context.parameter("ak")
        return try submit(
            context,
            perform: {
                try AccessKeyService(context: self.context).setEnabled(key, enabled: enabled, by: context.principal)
                return (
                    Self.accessKeysPath, "Access key \(key) \(enabled ? "enabled" : "disabled").",
                    ["access_key": key, "enabled": enabled]
                )
            }, reshow: { errors in try accessKeysPage(context, error: errors.list.joined(separator: " ")) })
    }

    func deleteAccessKey(_ context: inout RequestContext) throws -> HTTPResponse {
        let key = context.parameter("ak")
        return try submit(
            context,
            perform: {
                try AccessKeyService(context: self.context).delete(key, by: context.principal)
                return (Self.accessKeysPath, "Access key \(key) deleted; requests signed with it are refused.", ["access_key": key, "deleted": true])
            }, reshow: { errors in try accessKeysPage(context, error: errors.list.joined(separator: " ")) })
    }
}

import Foundation
import GRDB
import SCMCore
import SCMService
import Testing

@testable import SCMStore
@testable import SCMWeb

/// RULES.md §9 at the one enforcement point: every route declares its action and
/// `WebApp.respond` checks it before the handler runs.
@Suite struct PermissionRoutesTests {
    /// Routes any signed-in user may use whatever their policies: signing out, their own
    /// password and access keys (a key acts with its owner's policies, so it widens nothing),
    /// and marking their own messages read (no certificate and no one else's data changes).
    static let openToEverySignedInUser: Set<String> = [
        "POST logout", "GET account/password", "POST account/password", "GET users/access-keys", "POST users/access-keys",
        "POST users/access-keys/:ak/disable", "POST users/access-keys/:ak/enable", "POST users/access-keys/:ak/delete",
        "POST messages/read-all",
    ]

    @Test func everySignedInRouteDeclaresAnAction() throws {
        let browser = try ConsoleBrowser()
        for route in browser.app.makeRoutes().routes where route.access != .anonymous {
            let key = "\(route.method) \(route.pattern.joined(separator: "/"))"
            if route.action == nil {
                #expect(Self.openToEverySignedInUser.contains(key), "\(key) declares no action")
            }
        }
        for operation in WebApp.apiOperations {
            #expect(WebApp.apiActions[operation.operationID] != nil, "\(operation.operationID) has no action")
        }
    }

    /// Every table but the session, throttling and audit rows, as text: equal snapshots mean nothing changed.
    private func snapshot(_ context: ServiceContext) throws -> [String: [String]] {
        try context.database.writer.read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE 'certificates_search%' AND name NOT IN ('sessions', 'login_failures', 'events')
                    """)
            var rows: [String: [String]] = [:]
            for table in tables {
                rows[table] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { $0.description }
            }
            return rows
        }
    }

    /// Every signed-in route but signing out and the user's own credentials (password, access
    /// keys), which are the user's and not the managed resources a policy governs.
    private func walk(_ browser: ConsoleBrowser, id: String) -> [(Router.Route, ConsoleBrowser.Response)] {
        browser.app.makeRoutes().routes.filter { route in
            route.access == .signedIn
                && !Self.openToEverySignedInUser.contains("\(route.method) \(route.pattern.joined(separator: "/"))")
        }
            .map { route in
                let path = "/" + route.pattern.map { $0.hasPrefix(":") ? id : $0 }.joined(separator: "/")
                let form = ["name": "x", "domain": "example.com", "document": "{}", "password": "p", "value": "v"]
                return (route, route.method == "GET" ? browser.get(path) : browser.post(path, form))
            }
    }

    @Test func readOnlyUserWalksEveryRouteAndNothingChanges() throws {
        let browser = try ConsoleBrowser()
        _ = try DemoSeeder(context: browser.context).seed(count: 25, ownerID: browser.principal.userID)
        let id = try #require(ConsoleBrowser.capture(#"href="/certificates/(scs[0-9]+)""#, in: browser.get("/certificates").html))
        try browser.move(to: "auditors")
        let before = try snapshot(browser.context)
        for (route, response) in walk(browser, id: id) {
            let key = "\(route.method) \(route.pattern.joined(separator: "/"))"
            if let action = route.action, !PermissionSet(grants: [.init(policy: .readOnly)]).allows(action) {
                #expect(response.status == 403, "\(key) answered \(response.status)")
                #expect(response.html.contains("none of your policies allows \(action)"), "\(key)")
            }
        }
        let after = try snapshot(browser.context)
        for table in before.keys.sorted() where before[table] != after[table] {
            Issue.record("\(table) changed: \(Set(after[table] ?? []).subtracting(before[table] ?? []))")
        }
        // Each refusal is in the audit log, as the action refused, by alice, with the reason.
        let refused = try browser.context.database.read { try $0.auditEvents(AuditQuery(actor: "alice", result: .refused, limit: 200)) }
        let refusedActions = Set(refused.events.map(\.action))
        for (route, response) in walk(browser, id: id) where response.status == 403 {
            #expect(refusedActions.contains(route.action?.rawValue ?? "-"), "\(route.method) \(route.pattern) was not audited")
        }
        let download = try #require(refused.events.first { $0.action == Action.certDownload.rawValue && $0.target == id })
        #expect(download.detail.contains("none of your policies allows scm:cert:download"))
        // The pages still show, without a button the user may not use.
        let list = browser.get("/certificates")
        #expect(list.status == 200)
        for operation in Certificate.Operation.allCases where operation.action != .certGet {
            #expect(!list.html.contains("/\(operation.rawValue)\""), "\(operation) offered to a read-only user")
        }
    }

    @Test func denyOnDeleteBlocksDeleteAndNothingElse() throws {
        let browser = try ConsoleBrowser()
        _ = try DemoSeeder(context: browser.context).seed(count: 25, ownerID: browser.principal.userID)
        let id = try #require(ConsoleBrowser.capture(#"href="/certificates/(scs[0-9]+)""#, in: browser.get("/certificates").html))
        let admin = Principal.system
        let iam = IAMService(context: browser.context)
        let policy = try iam.createPolicy(
            name: "no delete", description: "",
            document: #"{"Version":"1.1","Statement":[{"Action":["scm:cert:delete"],"Effect":"Deny"}]}"#, by: admin)
        let group = try iam.createGroup(name: "careful", description: "", by: admin)
        try iam.attach(policyID: policy, groupID: group, project: nil, by: admin)
        try iam.addMember(groupID: group, userName: "alice", by: admin)
        for (route, response) in walk(browser, id: id) {
            let key = "\(route.method) \(route.pattern.joined(separator: "/"))"
            // Alice's operators group holds SCM FullAccess: user and policy management was never hers.
            if let action = route.action, !PermissionSet(grants: [.init(policy: .fullAccess)]).allows(action) { continue }
            let refused = response.status == 403 && response.html.contains("You may not do this")
            #expect(refused == (route.action == .certDelete), "\(key): \(response.status)")
            if route.action == .certDelete {
                #expect(response.html.contains("the policy &quot;no delete&quot; denies scm:cert:delete") || response.html.contains("the policy \"no delete\" denies scm:cert:delete"), "\(key)")
            }
        }
        #expect(!browser.get("/certificates").html.contains("/delete\""))
    }
}

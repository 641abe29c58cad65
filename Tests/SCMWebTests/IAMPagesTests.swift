import Foundation
import SCMCore
import SCMService
import SCMStore
import Testing

@testable import SCMWeb

/// The audit log, users, groups, policies and own-password pages (issue 8).
@Suite struct IAMPagesTests {
    /// A browser whose user also holds SCM Administrator through a group.
    private func administrator() throws -> ConsoleBrowser {
        let browser = try ConsoleBrowser()
        let iam = IAMService(context: browser.context)
        let group = try iam.createGroup(name: "admins", description: "", by: .system)
        let policy = try #require(try browser.context.database.read { try $0.policy(named: Policy.administratorName) })
        try iam.attach(policyID: policy.id, groupID: group, project: nil, by: .system)
        try iam.addMember(groupID: group, userName: "alice", by: .system)
        return browser
    }

    /// A browser whose user alice holds one custom policy allowing `actions` and nothing else
    /// (she leaves the operators group); returns it with the ID of her new group.
    private func browserAllowedOnly(_ actions: [String]) throws -> (ConsoleBrowser, Int64) {
        let browser = try ConsoleBrowser()
        let iam = IAMService(context: browser.context)
        let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
        let policy = try iam.createPolicy(
            name: "custom-manager", description: "",
            document: #"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["# + list + "]}]}", by: .system)
        let group = try iam.createGroup(name: "custom-managers", description: "", by: .system)
        try iam.attach(policyID: policy, groupID: group, project: nil, by: .system)
        try iam.addMember(groupID: group, userName: "alice", by: .system)
        let operators = try #require(try browser.context.database.read { try $0.group(named: "operators") })
        try iam.removeMember(groupID: operators.id, userID: browser.principal.userID, by: .system)
        return (browser, group)
    }

    @Test func usersPageCreatesAUserAndShowsThePasswordOnce() throws {
        let browser = try administrator()
        let created = browser.post("/users", ["name": "bob", "group": "auditors"])
        #expect(created.status == 200)
        let secret = try #require(ConsoleBrowser.capture(#"<p class="mono secret-password">([^<]+)</p>"#, in: created.html))
        #expect(secret.count == 16)
        #expect(!browser.get("/users").html.contains(secret))
        let bob = try #require(try browser.context.database.read { try $0.user(named: "bob") })
        #expect(try browser.context.database.read { try $0.groupNamesByUser()[bob.id] } == ["auditors"])
        let refused = browser.post("/users", ["name": "x", "group": "auditors"])
        #expect(refused.status == 400)
        #expect(refused.html.contains(#"class="field-error""#))

        let disabled = try browser.postAndFollow("/users/\(bob.id)/disable")
        #expect(disabled.html.contains("Disabled"))
        #expect(try browser.context.database.read { try $0.user(id: bob.id)?.disabled } == true)
        let reset = browser.post("/users/\(bob.id)/reset-password")
        #expect(reset.status == 200 && reset.html.contains("secret-password"))
    }

    @Test func administratorsAreCreatedOnlyByThoseWhoHoldEverything() throws {
        let browser = try administrator()
        #expect(browser.get("/users").html.contains(#"name="admin""#))
        #expect(browser.post("/users", ["name": "root2", "group": "auditors", "admin": "on"]).status == 200)
        #expect(try browser.context.database.read { try $0.user(named: "root2")?.isAdmin } == true)

        // Managing users alone (with read-only access) does not let anyone mint an administrator.
        let (manager, _) = try browserAllowedOnly(["iam:user:*", "scm:*:get", "scm:*:list"])
        let page = manager.get("/users")
        #expect(page.html.contains(#"action="/users""#) && !page.html.contains(#"name="admin""#))
        let refused = manager.post("/users", ["name": "root3", "group": "auditors", "admin": "on"])
        #expect(refused.status == 403)
        #expect(refused.html.contains("Only a user who may do everything in every project can create an administrator"))
        #expect(try manager.context.database.read { try $0.user(named: "root3") } == nil)
        #expect(manager.post("/users", ["name": "plain3", "group": "auditors"]).status == 200)
    }

    /// A manager of users, groups and policies who may only read certificates cannot reach
    /// more through them: not by resetting a stronger user's password, joining a stronger
    /// group, or attaching a stronger policy to a group (issue 8).
    @Test func managersHandOutNoMoreThanTheyHold() throws {
        let (manager, own) = try browserAllowedOnly(["iam:*:*", "scm:*:get", "scm:*:list"])
        let operators = try #require(try manager.context.database.read { try $0.group(named: "operators") })
        let (strong, _) = try AuthService(context: manager.context).createUser(name: "opal", password: nil, isAdmin: false)
        let (weak, _) = try AuthService(context: manager.context).createUser(
            name: "rory", password: nil, isAdmin: false, group: "auditors")

        let reset = manager.post("/users/\(strong.id)/reset-password", json: true)
        #expect(reset.status == 403 && reset.html.contains("may not hand out rights you do not hold yourself"))
        #expect(manager.post("/users/\(strong.id)/disable", json: true).status == 403)
        #expect(manager.post("/users/\(weak.id)/reset-password").status == 200)

        #expect(manager.post("/users/groups/\(operators.id)/members", ["user": "alice"], json: true).status == 403)
        let fullAccess = try #require(try manager.context.database.read { try $0.policy(named: Policy.fullAccessName) })
        #expect(manager.post("/users/groups/\(own)/policies", ["policy": String(fullAccess.id), "project": ""], json: true).status == 403)
        #expect(manager.post("/users", ["name": "olga", "group": "operators"], json: true).status == 403)
        let alice = try #require(try manager.context.database.read { try $0.user(named: "alice") })
        #expect(try manager.context.database.read { try $0.permissions(for: alice) }.allows(.certDelete) == false)
        // Within its own rights it still manages: a read-only member for its group.
        #expect(manager.post("/users/groups/\(own)/members", ["user": "rory"], json: true).status == 200)
    }

    @Test func policyDocumentMistakesAreShownAtTheField() throws {
        let browser = try administrator()
        let bad = browser.post("/policies", ["name": "deny-delete", "document": #"{"Version": "1.1", "Statement": []}"#])
        #expect(bad.status == 400)
        #expect(bad.html.contains(#"<p class="field-error">&quot;Statement&quot; must be a non-empty array"#))
        let document = #"{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["scm:cert:delete"]}]}"#
        let listed = try browser.postAndFollow("/policies", ["name": "deny-delete", "document": document])
        #expect(listed.html.contains("deny-delete"))
        let policy = try #require(try browser.context.database.read { try $0.policy(named: "deny-delete") })
        let groups = try browser.postAndFollow(
            "/users/groups/\(try #require(try browser.context.database.read { try $0.group(named: "operators") }).id)/policies",
            ["policy": String(policy.id), "project": ""])
        #expect(groups.html.contains("deny-delete"))
        #expect(try browser.postAndFollow("/policies/\(policy.id)/delete").html.contains("Policy deleted."))
    }

    @Test func auditPageFiltersAndReportsTheChain() throws {
        let browser = try administrator()
        browser.post("/users", ["name": "carol", "group": "auditors"])
        let page = browser.get("/audit?actor=alice")
        #expect(page.status == 200)
        #expect(page.html.contains(#"data-chain="intact""#))
        #expect(page.html.contains("user:create"))
        #expect(page.html.contains("127.0.0.1"))
        let none = browser.get("/audit?actor=\(ConsoleBrowser.encode("x' OR '1'='1"))&action=\(ConsoleBrowser.encode("%_*"))")
        #expect(none.status == 200 && none.html.contains("No events match"))
        #expect(browser.get("/audit?from=2026-13-01").status == 400)
        #expect(browser.get("/audit?result=success&from=2025-12-31&until=2026-01-01").html.contains("user:create"))
        #expect(browser.get("/audit?from=2026-01-02").html.contains("No events match"))
    }

    @Test func ownPasswordChangeEndsTheSession() throws {
        let browser = try ConsoleBrowser()
        #expect(browser.get("/certificates").html.contains(#"<a class="topbar-link" href="/account/password">Change password</a>"#))
        let wrong = browser.post(
            "/account/password", ["current_password": "nope", "new_password": "new-secret-1", "confirm_password": "other"])
        #expect(wrong.status == 400)
        #expect(wrong.html.contains("The current password is wrong.") && wrong.html.contains("The two new passwords differ."))
        let changed = browser.post(
            "/account/password",
            ["current_password": "correct-horse-9", "new_password": "new-secret-1", "confirm_password": "new-secret-1"])
        #expect(changed.status == 303 && changed.location == "/login")
        #expect(browser.get("/certificates").status != 200)
    }
}

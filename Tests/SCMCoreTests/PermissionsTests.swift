import Testing

@testable import SCMCore

/// RULES.md §9: wildcards, Deny beats Allow, nothing allowed by default, the system policies.
struct PermissionsTests {
    private func set(_ policies: Policy...) -> PermissionSet {
        PermissionSet(grants: policies.map { PermissionSet.Grant(policy: $0) })
    }

    private func policy(_ json: String) throws -> Policy { try Policy(name: "custom", json: json) }

    @Test(arguments: [
        ("scm:cert:*", "scm:cert:delete", true), ("scm:cert:*", "scm:csr:delete", false),
        ("scm:*:get", "scm:csr:get", true), ("scm:*:get", "scm:cert:list", false), ("*", "iam:user:manage", true),
        ("SCM:Cert:Get", "scm:cert:get", true), ("scm:cert:get", "scm:cert:getx", false), ("scm:cert:?et", "scm:cert:get", true),
        ("scm:*", "scm:cert:download", true), ("iam:*:*", "scm:cert:get", false),
    ])
    func wildcards(pattern: String, action: String, matches: Bool) {
        #expect(Policy.pattern(pattern, matches: action) == matches)
    }

    /// Managing users, groups and policies never gives more than the manager holds (issue 8).
    @Test func rightsAreHandedOutOnlyWithinOnesOwn() throws {
        let fullAccess = PermissionSet(grants: [.init(policy: .fullAccess)])
        let devOnly = PermissionSet(grants: [.init(policy: .fullAccess, project: "dev")])
        #expect(throws: Never.self) { try fullAccess.authorizeHandingOut(devOnly, to: "bob") }
        #expect(throws: Never.self) { try fullAccess.authorizeHandingOut(self.set(.readOnly), to: "bob") }
        #expect(throws: Never.self) { try devOnly.authorizeHandingOut(PermissionSet(grants: [.init(policy: .readOnly, project: "dev")]), to: "bob") }
        // Everywhere is more than one project; the administrator's user and IAM actions are more than FullAccess.
        #expect(throws: Refusal.self) { try devOnly.authorizeHandingOut(fullAccess, to: "bob") }
        #expect(throws: Refusal.self) { try fullAccess.authorizeHandingOut(.administrator, to: "bob") }
        #expect(throws: Never.self) { try PermissionSet.administrator.authorizeHandingOut(.administrator, to: "bob") }
        // A Deny for one project in the manager's set: what it hands out must avoid that project.
        let deny = try policy(#"{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["scm:cert:delete"]}]}"#)
        let managerWithDeny = PermissionSet(grants: [.init(policy: .fullAccess), .init(policy: deny, project: "prod")])
        #expect(throws: Never.self) { try managerWithDeny.authorizeHandingOut(devOnly, to: "bob") }
        #expect(throws: Refusal.self) { try managerWithDeny.authorizeHandingOut(fullAccess, to: "bob") }
    }

    @Test func nothingIsAllowedByDefault() {
        for action in Action.all {
            #expect(PermissionSet.none.decision(for: action) == .notAllowed)
        }
        #expect(PermissionSet.none.refusal(for: .certGet)?.message == "You may not do this: none of your policies allows scm:cert:get.")
    }

    @Test func explicitDenyBeatsEveryAllow() throws {
        let deny = try policy(#"{"Version":"1.1","Statement":[{"Action":["scm:cert:delete"],"Effect":"Deny"}]}"#)
        let permissions = set(.administrator, .fullAccess, deny)
        #expect(permissions.decision(for: .certDelete) == .denied(by: "custom"))
        #expect(permissions.refusal(for: .certDelete)?.code == .forbidden)
        #expect(permissions.refusal(for: .certDelete)?.message == "You may not do this: the policy \"custom\" denies scm:cert:delete.")
        for action in Action.all where action != .certDelete {
            #expect(permissions.allows(action), "\(action)")
        }
    }

    @Test func systemPolicies() {
        let admin = PermissionSet.administrator, full = set(.fullAccess), readOnly = set(.readOnly)
        for action in Action.all {
            #expect(admin.allows(action))
            #expect(full.allows(action) == action.rawValue.hasPrefix("scm:"), "\(action)")
            let verb = action.rawValue.split(separator: ":").last ?? ""
            #expect(readOnly.allows(action) == (action.rawValue.hasPrefix("scm:") && (verb == "get" || verb == "list")), "\(action)")
        }
        // An auditor reads everything and exports no key.
        #expect(!readOnly.allows(.certDownload))
        #expect(!readOnly.allows(.csrDownload))
        #expect(readOnly.allows(.auditList))
    }

    @Test func projectScopedGrants() throws {
        let permissions = PermissionSet(grants: [
            .init(policy: .readOnly),
            .init(policy: .fullAccess, project: "web"),
            .init(policy: try policy(#"{"Version":"1.1","Statement":[{"Action":["scm:cert:revoke"],"Effect":"Deny"}]}"#), project: "web"),
        ])
        #expect(permissions.allows(.certDelete, project: "web"))
        #expect(!permissions.allows(.certDelete, project: "default"))
        #expect(permissions.allows(.certGet, project: "default"))
        #expect(!permissions.allows(.certRevoke, project: "web"))
        // Without a project: some project allows delete; the Deny holds in "web" only.
        #expect(permissions.allows(.certDelete))
        #expect(permissions.decision(for: .certRevoke) == .allowed)
    }

    /// What a list may show: the projects the grants name are decided one by one, every other
    /// project by the unscoped grants alone.
    @Test func projectScopeOfAList() throws {
        let denyList = try policy(#"{"Version":"1.1","Statement":[{"Action":["scm:cert:list"],"Effect":"Deny"}]}"#)
        #expect(set(.fullAccess).projects(allowing: .certList) == .everything)
        #expect(PermissionSet.none.projects(allowing: .certList) == .only([]))
        let devOnly = PermissionSet(grants: [.init(policy: .fullAccess, project: "dev")])
        #expect(devOnly.projects(allowing: .certList) == .only(["dev"]))
        #expect(devOnly.projects(allowing: .userList) == .only([]))
        let allButSecret = PermissionSet(grants: [.init(policy: .readOnly), .init(policy: denyList, project: "secret")])
        #expect(allButSecret.projects(allowing: .certList) == .all(except: ["secret"]))
        #expect(allButSecret.projects(allowing: .certList).contains("default"))
        #expect(!allButSecret.projects(allowing: .certList).contains("secret"))
        // An unscoped Deny removes everything, whatever the scoped grants allow.
        let deniedEverywhere = PermissionSet(grants: [.init(policy: .fullAccess, project: "dev"), .init(policy: denyList)])
        #expect(deniedEverywhere.projects(allowing: .certList) == .only([]))
    }

    /// Per certificate: invisible is missing (the id does not leak), visible but not allowed is
    /// forbidden with the action and the project named.
    @Test func oneCertificateInAProject() {
        let permissions = PermissionSet(grants: [
            .init(policy: .fullAccess, project: "dev"), .init(policy: .readOnly, project: "audit"),
        ])
        #expect(throws: Never.self) { try permissions.authorize(.certDelete, onCertificate: "scs1", in: "dev") }
        #expect(throws: Refusal(.notFound, "")) { try permissions.authorize(.certGet, onCertificate: "scs1", in: "default") }
        do {
            try permissions.authorize(.certDelete, onCertificate: "scs2", in: "default")
            Issue.record("a certificate in an ungranted project was visible")
        } catch {
            #expect(error.message == "There is no certificate with ID scs2.")
        }
        do {
            try permissions.authorize(.certDelete, onCertificate: "scs3", in: "audit")
            Issue.record("a read-only project allowed a delete")
        } catch {
            #expect(error.code == .forbidden)
            #expect(error.message == "You may not do this: none of your policies allows scm:cert:delete in enterprise project \"audit\".")
        }
        #expect(throws: Never.self) { try permissions.authorize(.certBuy, into: "dev") }
        #expect(throws: Refusal(.forbidden, "")) { try permissions.authorize(.certBuy, into: "default") }
    }

    @Test(arguments: [
        ("{", "The policy is not valid JSON"),
        ("[]", "The policy must be a JSON object with \"Version\" and \"Statement\"."),
        (#"{"Statement":[]}"#, "\"Version\" is missing; it must be \"1.1\"."),
        (#"{"Version":"1.0","Statement":[]}"#, "\"Version\" must be \"1.1\", not \"1.0\"."),
        (#"{"Version":"1.1","Statement":[]}"#, "\"Statement\" must be a non-empty array of statements."),
        (#"{"Version":"1.1","Statement":[{"Action":["scm:cert:get"],"Effect":"allow"}]}"#,
         "Statement 1: \"Effect\" must be \"Allow\" or \"Deny\"."),
        (#"{"Version":"1.1","Statement":[{"Action":["scm:cert:get"],"Effect":"Allow"},{"Action":[],"Effect":"Deny"}]}"#,
         "Statement 2: \"Action\" must be a non-empty array of action names."),
        (#"{"Version":"1.1","Statement":[{"Action":["scm:cert:delet"],"Effect":"Deny"}]}"#,
         "Statement 1: \"scm:cert:delet\" matches no action."),
        (#"{"Version":"1.1","Statement":[{"Action":["scm:cert:get"],"Effect":"Allow","Resource":["*"]}]}"#,
         "Statement 1: unknown key \"Resource\""),
        (#"{"Version":"1.1","Statement":[{"Action":["scm:cert:<b>"],"Effect":"Allow"}]}"#,
         "may contain only letters"),
    ])
    func parseErrorsSayWhatIsWrong(json: String, message: String) {
        #expect(throws: PolicyParseError.self) { try Policy(name: "p", json: json) }
        do {
            _ = try Policy(name: "p", json: json)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func canonicalJSONParsesBackToTheSamePolicy() throws {
        let original = try policy(
            #"{"Version":"1.1","Statement":[{"Action":["scm:cert:*","scm:*:list"],"Effect":"Allow"},{"Action":["scm:cert:download"],"Effect":"Deny"}]}"#)
        #expect(try Policy(name: "custom", json: original.json) == original)
        for system in Policy.system {
            #expect(try Policy(name: system.name, json: system.json) == system)
        }
    }

    @Test func everyOperationNeedsAnAction() {
        #expect(Certificate.Operation.delete.action == .certDelete)
        #expect(Certificate.Operation.download.action == .certDownload)
        #expect(Certificate.Operation.rename.action == .certUpdate)
        for operation in Certificate.Operation.allCases {
            #expect(Action.all.contains(operation.action))
        }
    }
}

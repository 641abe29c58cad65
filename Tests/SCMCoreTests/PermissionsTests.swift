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

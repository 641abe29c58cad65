import Foundation
import SCMCore
import SCMService
import SCMStore

/// The audit log, users, groups, policies and own-password pages (issue 8, RULES.md §9). Each
/// route names its action, checked by `WebApp.respond` before the handler runs.
struct AuditPage {
    struct Row {
        let id: Int64
        let at: String
        let actor: String
        let action: String
        let target: String
        let result: String
        let refused: Bool
        let detail: String
        let address: String
    }

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    let layout: Layout
    let errors: FormErrors
    let actor: String
    let action: String
    let target: String
    let from: String
    let until: String
    let results: [Option]
    let rows: [Row]
    let total: Int
    let rangeText: String
    let previous: String?
    let next: String?
    let chainIntact: Bool
    let chainText: String
    /// The caller's grants cover only some projects: the page lists their own events only.
    let ownOnly: Bool
}

struct UsersPage {
    struct Row {
        let id: Int64
        let name: String
        let admin: Bool
        let disabled: Bool
        let groups: String
        let created: String
        let isSelf: Bool
    }

    struct Option {
        let value: String
        let selected: Bool
    }

    let layout: Layout
    let errors: FormErrors
    let canManage: Bool
    /// The "Administrator" checkbox: only for callers who hold every action everywhere.
    let canCreateAdministrators: Bool
    let rows: [Row]
    let groups: [Option]
    let name: String
    /// A generated password, shown on this one response and never stored in clear.
    let secretUser: String?
    let secret: String?
}

struct GroupsPage {
    /// Named apart from the group's `id`, which Mustache would otherwise shadow inside the list.
    struct Member {
        let groupID: Int64
        let userID: Int64
        let name: String
    }

    struct Grant {
        let policyID: Int64
        let policy: String
        let project: String
        let scope: String
    }

    struct Group {
        let id: Int64
        let name: String
        let description: String
        let members: [Member]
        let grants: [Grant]
    }

    struct Option {
        let id: Int64
        let name: String
    }

    let layout: Layout
    let errors: FormErrors
    let canManage: Bool
    let groups: [Group]
    let policies: [Option]
    let users: [String]
}

struct PoliciesPage {
    struct Row {
        let id: Int64
        let name: String
        let description: String
        let system: Bool
        let document: String
        let updated: String
    }

    let layout: Layout
    let canManage: Bool
    let rows: [Row]
}

struct PolicyFormPage {
    let layout: Layout
    let errors: FormErrors
    let heading: String
    let action: String
    let isNew: Bool
    let name: String
    let description: String
    let document: String
}

struct PasswordPage {
    let layout: Layout
    let errors: FormErrors
}

extension WebApp {
    func addIAMRoutes(_ router: inout Router) {
        router.add("GET", "audit", action: .auditList) { try showAudit(&$0) }
        router.add("GET", "users", action: .userList) { .html(try usersPage($0, errors: .none)) }
        router.add("POST", "users", action: .userManage) { try createUser(&$0) }
        router.add("POST", "users/:id/disable", action: .userManage) { try setUserDisabled(&$0, true) }
        router.add("POST", "users/:id/enable", action: .userManage) { try setUserDisabled(&$0, false) }
        router.add("POST", "users/:id/reset-password", action: .userManage) { try resetUserPassword(&$0) }
        router.add("GET", "users/groups", action: .groupList) { .html(try groupsPage($0, errors: .none)) }
        router.add("POST", "users/groups", action: .groupManage) { try createGroup(&$0) }
        router.add("POST", "users/groups/:id/delete", action: .groupManage) { try groupChange(&$0) { id, form, p in
            try iam.deleteGroup(id: id, by: p)
            return "Group deleted."
        } }
        router.add("POST", "users/groups/:id/members", action: .groupManage) { try groupChange(&$0) { id, form, p in
            try iam.addMember(groupID: id, userName: form["user"] ?? "", by: p)
            return "Member added."
        } }
        router.add("POST", "users/groups/:id/members/:user/remove", action: .groupManage) { request in
            let user = Int64(request.parameter("user")) ?? 0
            return try groupChange(&request) { id, _, p in
                try iam.removeMember(groupID: id, userID: user, by: p)
                return "Member removed."
            }
        }
        router.add("POST", "users/groups/:id/policies", action: .groupManage) { try groupChange(&$0) { id, form, p in
            try iam.attach(policyID: Int64(form["policy"] ?? "") ?? 0, groupID: id, project: form["project"], by: p)
            return "Policy attached."
        } }
        router.add("POST", "users/groups/:id/policies/detach", action: .groupManage) { try groupChange(&$0) { id, form, p in
            try iam.attach(
                policyID: Int64(form["policy"] ?? "") ?? 0, groupID: id, project: form["project"], by: p, attach: false)
            return "Policy detached."
        } }
        router.add("GET", "policies", action: .policyList) { try showPolicies(&$0) }
        router.add("GET", "policies/new", action: .policyManage) { .html(try policyForm($0, id: nil, errors: .none)) }
        router.add("POST", "policies", action: .policyManage) { try savePolicy(&$0, id: nil) }
        router.add("GET", "policies/:id", action: .policyList) { request in
            .html(try policyForm(request, id: Int64(request.parameter("id")) ?? 0, errors: .none))
        }
        router.add("POST", "policies/:id", action: .policyManage) { request in
            try savePolicy(&request, id: Int64(request.parameter("id")) ?? 0)
        }
        router.add("POST", "policies/:id/delete", action: .policyManage) { try deletePolicy(&$0) }
        // Every signed-in user may change their own password: no action beyond being signed in.
        router.add("GET", "account/password") { .html(try passwordPage($0, errors: .none)) }
        router.add("POST", "account/password") { try changePassword(&$0) }
    }

    private func iamLayout(_ request: RequestContext, _ title: String, section: String, crumbs: [Crumb]) -> Layout {
        layout(title: title, request: request, section: section, crumbs: crumbs, flash: request.flash)
    }

    // MARK: Audit log

    /// A `YYYY-MM-DD` date at 00:00 UTC; nil for an empty field; a refusal at `field` otherwise.
    static func auditDate(_ text: String, field: String) throws -> Date? {
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        if parts.count == 3, text.count == 10 {
            (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else {
            throw Refusal.invalid(field, "Dates are written YYYY-MM-DD, for example 2026-01-31.")
        }
        return date
    }

    func showAudit(_ request: inout RequestContext) throws -> HTTPResponse {
        let q = request.request.query
        let actor = q["actor"] ?? "", action = q["action"] ?? "", target = q["target"] ?? ""
        let fromText = q["from"] ?? "", untilText = q["until"] ?? ""
        let result = Event.Result(rawValue: q["result"] ?? "")
        let limit = 50
        let page = max(1, Int(q["page"] ?? "") ?? 1)
        var refusals: [Refusal] = []
        var from: Date?, until: Date?
        do { from = try Self.auditDate(fromText, field: "from") } catch let r as Refusal { refusals.append(r) }
        do { until = try Self.auditDate(untilText, field: "until").map { $0 + 86_400 } } catch let r as Refusal { refusals.append(r) }
        let query = AuditQuery(
            actor: actor, action: action, target: target, result: result, from: from, until: until,
            owners: request.principal.ownerScope(for: .auditList), offset: (page - 1) * limit, limit: limit)
        let (events, total) = refusals.isEmpty ? try context.database.read { try $0.auditEvents(query) } : ([], 0)
        let chain = try context.database.verifyAuditChain()
        func link(_ number: Int) -> String {
            var items = [("actor", actor), ("action", action), ("target", target), ("result", result?.rawValue ?? ""),
                         ("from", fromText), ("until", untilText)].filter { !$0.1.isEmpty }
            items.append(("page", String(number)))
            return "/audit?" + items.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        }
        let chainText: String
        let intact: Bool
        switch chain {
        case .intact(let entries):
            (intact, chainText) = (true, "The hash chain of all \(entries) entries verifies: no entry was edited or removed.")
        case .broken(let id, let reason):
            (intact, chainText) = (false, "The hash chain is broken at event \(id): \(reason).")
        case .truncated(let entries, let anchored):
            (intact, chainText) = (false, AuditVerification.truncationText(entries: entries, anchored: anchored))
        }
        let first = total == 0 ? 0 : query.offset + 1
        let view = AuditPage(
            layout: iamLayout(request, "Audit Log", section: "audit", crumbs: [Crumb(title: "Audit Log", href: nil)]),
            errors: FormErrors(refusals), actor: actor, action: action, target: target, from: fromText, until: untilText,
            results: [("", "Any result"), ("success", "Success"), ("refused", "Refused"), ("failed", "Failed")].map {
                .init(value: $0.0, label: $0.1, selected: $0.0 == (result?.rawValue ?? ""))
            },
            rows: events.map {
                .init(
                    id: $0.id, at: Self.formatDateTime($0.at), actor: $0.actor, action: $0.action, target: $0.target,
                    result: $0.result.rawValue, refused: $0.result != .success, detail: $0.detail, address: $0.remoteAddress)
            },
            total: total, rangeText: "\(first)–\(query.offset + events.count)",
            previous: page > 1 ? link(page - 1) : nil, next: query.offset + events.count < total ? link(page + 1) : nil,
            chainIntact: intact, chainText: chainText, ownOnly: query.owners != .every)
        return .html(templates.render(view, "audit"), status: refusals.isEmpty ? 200 : 400)
    }

    // MARK: Users

    func usersPage(_ request: RequestContext, errors: FormErrors, name: String = "", secret: (String, String)? = nil) throws -> String {
        let (users, groupNames, groups) = try context.database.read { store in
            (try store.users(), try store.groupNamesByUser(), try store.groups())
        }
        let view = UsersPage(
            layout: iamLayout(request, "Users", section: "users", crumbs: [Crumb(title: "Users", href: nil)]),
            errors: errors, canManage: request.permissions.allows(.userManage),
            canCreateAdministrators: (try? request.permissions.authorizeCreatingAdministrator()) != nil,
            rows: users.map {
                .init(
                    id: $0.id, name: $0.name, admin: $0.isAdmin, disabled: $0.disabled,
                    groups: (groupNames[$0.id] ?? []).joined(separator: ", "), created: Self.formatDateTime($0.createdAt),
                    isSelf: $0.id == request.principal.userID)
            },
            groups: groups.map { .init(value: $0.name, selected: $0.name == "auditors") }, name: name,
            secretUser: secret?.0, secret: secret?.1)
        return templates.render(view, "users")
    }

    /// The generated password is in this response only (not a flash cookie, not a redirect).
    func createUser(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        do {
            let group = form["group"] ?? ""
            let (user, secret) = try auth.createUser(
                name: form["name"] ?? "", password: nil, isAdmin: form["admin"] == "on" || form["admin"] == "true",
                group: group.isEmpty ? nil : group,
                by: request.principal)
            if request.request.wantsJSON { return .json(["id": user.id, "name": user.name, "password": secret]) }
            return .html(try usersPage(request, errors: .none, secret: (user.name, secret)))
        } catch let refusal as Refusal {
            return try submit(request, perform: { throw refusal }, reshow: { try usersPage(request, errors: $0, name: form["name"] ?? "") })
        }
    }

    func setUserDisabled(_ request: inout RequestContext, _ disabled: Bool) throws -> HTTPResponse {
        let id = Int64(request.parameter("id")) ?? 0
        let context = request
        return try submit(
            request,
            perform: {
                try iam.setDisabled(userID: id, disabled, by: context.principal)
                return ("/users", disabled ? "User disabled; their sessions ended." : "User enabled.", ["id": id])
            },
            reshow: { try usersPage(context, errors: $0) })
    }

    func resetUserPassword(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = Int64(request.parameter("id")) ?? 0
        do {
            let (user, secret) = try iam.resetPassword(userID: id, by: request.principal)
            if request.request.wantsJSON { return .json(["id": user.id, "password": secret]) }
            return .html(try usersPage(request, errors: .none, secret: (user.name, secret)))
        } catch let refusal as Refusal {
            let context = request
            return try submit(request, perform: { throw refusal }, reshow: { try usersPage(context, errors: $0) })
        }
    }

    // MARK: Groups

    func groupsPage(_ request: RequestContext, errors: FormErrors) throws -> String {
        // The layout reads the store itself, so it is built outside this read.
        let frame = iamLayout(
            request, "User groups", section: "users",
            crumbs: [Crumb(title: "Users", href: "/users"), Crumb(title: "User groups", href: nil)])
        let view: GroupsPage = try context.database.read { store in
            let groups = try store.groups().map { group in
                GroupsPage.Group(
                    id: group.id, name: group.name, description: group.description,
                    members: try store.members(ofGroup: group.id).map { .init(groupID: group.id, userID: $0.id, name: $0.name) },
                    grants: try store.grants(ofGroup: group.id).map {
                        .init(policyID: $0.policyID, policy: $0.policyName, project: $0.project ?? "",
                              scope: $0.project.map { "project \($0)" } ?? "all projects")
                    })
            }
            return GroupsPage(
                layout: frame, errors: errors, canManage: request.permissions.allows(.groupManage), groups: groups,
                policies: try store.policies().map { .init(id: $0.id, name: $0.name) }, users: try store.users().map(\.name))
        }
        return templates.render(view, "groups")
    }

    func createGroup(_ request: inout RequestContext) throws -> HTTPResponse {
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                let id = try iam.createGroup(name: form["name"] ?? "", description: form["description"] ?? "", by: context.principal)
                return ("/users/groups", "Group created.", ["id": id])
            },
            reshow: { try groupsPage(context, errors: $0) })
    }

    func groupChange(
        _ request: inout RequestContext, _ change: (Int64, FormData, Principal) throws -> String
    ) throws -> HTTPResponse {
        let id = Int64(request.parameter("id")) ?? 0
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: { ("/users/groups", try change(id, form, context.principal), ["id": id]) },
            reshow: { try groupsPage(context, errors: $0) })
    }

    // MARK: Policies

    func showPolicies(_ request: inout RequestContext) throws -> HTTPResponse {
        let policies = try context.database.read { try $0.policies() }
        let view = PoliciesPage(
            layout: iamLayout(
                request, "Policies", section: "users", crumbs: [Crumb(title: "Users", href: "/users"), Crumb(title: "Policies", href: nil)]),
            canManage: request.permissions.allows(.policyManage),
            rows: policies.map {
                .init(id: $0.id, name: $0.name, description: $0.description, system: $0.isSystem, document: $0.document,
                      updated: Self.formatDateTime($0.updatedAt))
            })
        return .html(templates.render(view, "policies"))
    }

    static let policyExample = """
        {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["scm:cert:get", "scm:cert:list"]}]}
        """

    func policyForm(_ request: RequestContext, id: Int64?, errors: FormErrors, form: FormData? = nil) throws -> String {
        var stored: StoredPolicy?
        if let id {
            stored = try context.database.read { try $0.policy(id: id) }
            guard stored != nil else { throw Refusal(.notFound, "There is no policy with ID \(id).") }
        }
        let title = stored.map { "Policy \($0.name)" } ?? "New policy"
        let view = PolicyFormPage(
            layout: iamLayout(
                request, title, section: "users",
                crumbs: [Crumb(title: "Policies", href: "/policies"), Crumb(title: stored?.name ?? "New policy", href: nil)]),
            errors: errors, heading: title, action: stored.map { "/policies/\($0.id)" } ?? "/policies", isNew: stored == nil,
            name: form?["name"] ?? stored?.name ?? "", description: form?["description"] ?? stored?.description ?? "",
            document: form?["document"] ?? stored?.document ?? Self.policyExample)
        return templates.render(view, "policy")
    }

    func savePolicy(_ request: inout RequestContext, id: Int64?) throws -> HTTPResponse {
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                if let id {
                    try iam.updatePolicy(
                        id: id, description: form["description"] ?? "", document: form["document"] ?? "", by: context.principal)
                    return ("/policies", "Policy saved.", ["id": id])
                }
                let created = try iam.createPolicy(
                    name: form["name"] ?? "", description: form["description"] ?? "", document: form["document"] ?? "",
                    by: context.principal)
                return ("/policies", "Policy created.", ["id": created])
            },
            reshow: { try policyForm(context, id: id, errors: $0, form: form) })
    }

    func deletePolicy(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = Int64(request.parameter("id")) ?? 0
        let context = request
        return try submit(
            request,
            perform: {
                try iam.deletePolicy(id: id, by: context.principal)
                return ("/policies", "Policy deleted.", ["id": id])
            },
            reshow: { _ in try policyForm(context, id: id, errors: .none) })
    }

    // MARK: Own password

    func passwordPage(_ request: RequestContext, errors: FormErrors) throws -> String {
        templates.render(
            PasswordPage(
                layout: iamLayout(request, "Change password", section: "", crumbs: [Crumb(title: "Change password", href: nil)]),
                errors: errors),
            "account-password")
    }

    /// Every session of the user ends, this one too: they sign in again with the new password.
    func changePassword(_ request: inout RequestContext) throws -> HTTPResponse {
        guard let session = request.session else { return .redirect(to: "/login") }
        let form = request.request.form
        let context = request
        return try submit(
            request,
            perform: {
                try iam.changePassword(
                    user: session.user, current: form["current_password"] ?? "", new: form["new_password"] ?? "",
                    confirmation: form["confirm_password"] ?? "", by: context.principal)
                return ("/login", "Password changed. Sign in with the new password.", [:])
            },
            reshow: { try passwordPage(context, errors: $0) })
    }
}

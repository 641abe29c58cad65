import Foundation

/// One thing a caller may be allowed to do (RULES.md §9): `service:resource:verb`. Every route,
/// page button and API call names exactly one; `PermissionSet.decision(for:)` is the only place
/// that decides whether a user may do it.
public struct Action: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Action, rhs: Action) -> Bool { lhs.rawValue < rhs.rawValue }

    // Certificates.
    public static let certGet = Action(rawValue: "scm:cert:get")
    public static let certList = Action(rawValue: "scm:cert:list")
    public static let certBuy = Action(rawValue: "scm:cert:buy")
    /// Applying and everything that moves an application along: verification, withdrawal.
    public static let certApply = Action(rawValue: "scm:cert:apply")
    public static let certDelete = Action(rawValue: "scm:cert:delete")
    public static let certRevoke = Action(rawValue: "scm:cert:revoke")
    public static let certDeploy = Action(rawValue: "scm:cert:deploy")
    public static let certPush = Action(rawValue: "scm:cert:push")
    /// Every export of a private key, and nothing else: seeing a certificate is `certGet`.
    public static let certDownload = Action(rawValue: "scm:cert:download")
    public static let certUpload = Action(rawValue: "scm:cert:upload")
    /// Rename, project, tags, notifications, auto-renewal, privacy cancellation.
    public static let certUpdate = Action(rawValue: "scm:cert:update")
    public static let certRenew = Action(rawValue: "scm:cert:renew")
    public static let certReissue = Action(rawValue: "scm:cert:reissue")
    public static let certUnsubscribe = Action(rawValue: "scm:cert:unsubscribe")
    // CSRs.
    public static let csrGet = Action(rawValue: "scm:csr:get")
    public static let csrList = Action(rawValue: "scm:csr:list")
    public static let csrCreate = Action(rawValue: "scm:csr:create")
    public static let csrUpdate = Action(rawValue: "scm:csr:update")
    public static let csrDelete = Action(rawValue: "scm:csr:delete")
    /// The CSR's private key leaves the server.
    public static let csrDownload = Action(rawValue: "scm:csr:download")
    // Orders, messages, audit log.
    public static let orderList = Action(rawValue: "scm:order:list")
    public static let messageList = Action(rawValue: "scm:message:list")
    public static let auditList = Action(rawValue: "scm:audit:list")
    // The simulated cloud (CA, DNS, mailbox, web roots).
    public static let simGet = Action(rawValue: "scm:sim:get")
    public static let simList = Action(rawValue: "scm:sim:list")
    public static let simUpdate = Action(rawValue: "scm:sim:update")
    // Users, groups, policies.
    public static let userList = Action(rawValue: "iam:user:list")
    public static let userManage = Action(rawValue: "iam:user:manage")
    public static let groupList = Action(rawValue: "iam:group:list")
    public static let groupManage = Action(rawValue: "iam:group:manage")
    public static let policyList = Action(rawValue: "iam:policy:list")
    public static let policyManage = Action(rawValue: "iam:policy:manage")

    /// Every action the product knows, so a policy can be checked for patterns that match nothing.
    public static let all: [Action] = [
        certGet, certList, certBuy, certApply, certDelete, certRevoke, certDeploy, certPush, certDownload, certUpload,
        certUpdate, certRenew, certReissue, certUnsubscribe, csrGet, csrList, csrCreate, csrUpdate, csrDelete, csrDownload,
        orderList, messageList, auditList, simGet, simList, simUpdate, userList, userManage, groupList, groupManage,
        policyList, policyManage,
    ]
}

extension Certificate.Operation {
    /// The action a certificate operation needs (RULES.md §9).
    public var action: Action {
        switch self {
        case .apply, .newApplication, .verifyDomain, .changeVerificationMethod, .verifyOrganization, .withdraw,
            .withdrawDomainAddition:
            .certApply
        case .reissue, .confirmOperation: .certReissue
        case .addDomains: .certBuy
        case .renew: .certRenew
        case .autoRenew, .rename, .moveProject, .cancelPrivacy: .certUpdate
        case .revoke: .certRevoke
        case .delete: .certDelete
        case .unsubscribe: .certUnsubscribe
        case .download: .certDownload
        case .deploy: .certDeploy
        case .push: .certPush
        }
    }
}

/// A permission policy (RULES.md §9): `{"Version":"1.1","Statement":[{"Action":[...],"Effect":"Allow"|"Deny"}]}`.
public struct Policy: Sendable, Equatable {
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    public struct Statement: Sendable, Equatable {
        public var effect: Effect
        /// Action patterns: `*` matches any run of characters (so `scm:cert:*`, `scm:*:get`, `*`).
        public var actions: [String]
        public init(effect: Effect, actions: [String]) {
            self.effect = effect
            self.actions = actions
        }

        func matches(_ action: Action) -> Bool {
            actions.contains { Policy.pattern($0, matches: action.rawValue) }
        }
    }

    public var name: String
    public var statements: [Statement]

    public init(name: String, statements: [Statement]) {
        self.name = name
        self.statements = statements
    }

    public static let administratorName = "SCM Administrator"
    public static let fullAccessName = "SCM FullAccess"
    public static let readOnlyName = "SCM ReadOnlyAccess"

    /// Everything, users and policies included: what `is_admin` users hold.
    public static let administrator = Policy(
        name: administratorName, statements: [Statement(effect: .allow, actions: ["scm:*:*", "iam:*:*"])])
    /// Every SCM action; no user or policy management.
    public static let fullAccess = Policy(name: fullAccessName, statements: [Statement(effect: .allow, actions: ["scm:*:*"])])
    /// See and list everything (the audit log too); change nothing and export no key.
    public static let readOnly = Policy(
        name: readOnlyName, statements: [Statement(effect: .allow, actions: ["scm:*:get", "scm:*:list"])])
    public static let system: [Policy] = [administrator, fullAccess, readOnly]

    /// Case-insensitive glob: `*` is any run of characters, `?` one character.
    static func pattern(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Why a policy document was refused, with the place in it: shown to the admin who wrote it.
public struct PolicyParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Policy {
    /// Parses and checks a custom policy document. Every mistake is named with its statement
    /// number; an action pattern that matches no known action is refused, since it can only be a typo.
    public init(name: String, json: String) throws(PolicyParseError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        } catch {
            throw PolicyParseError("The policy is not valid JSON: \((error as NSError).userInfo["NSDebugDescription"] as? String ?? "syntax error").")
        }
        guard let document = object as? [String: Any] else {
            throw PolicyParseError("The policy must be a JSON object with \"Version\" and \"Statement\".")
        }
        for key in document.keys where key != "Version" && key != "Statement" {
            throw PolicyParseError("Unknown key \"\(key)\": a policy has only \"Version\" and \"Statement\".")
        }
        guard let version = document["Version"] as? String else {
            throw PolicyParseError("\"Version\" is missing; it must be \"1.1\".")
        }
        guard version == "1.1" else { throw PolicyParseError("\"Version\" must be \"1.1\", not \"\(version)\".") }
        guard let statements = document["Statement"] as? [Any], !statements.isEmpty else {
            throw PolicyParseError("\"Statement\" must be a non-empty array of statements.")
        }
        var parsed: [Statement] = []
        for (index, item) in statements.enumerated() {
            let place = "Statement \(index + 1)"
            guard let statement = item as? [String: Any] else { throw PolicyParseError("\(place) must be an object.") }
            for key in statement.keys where key != "Action" && key != "Effect" {
                throw PolicyParseError("\(place): unknown key \"\(key)\"; a statement has only \"Action\" and \"Effect\".")
            }
            guard let effectText = statement["Effect"] as? String, let effect = Effect(rawValue: effectText) else {
                throw PolicyParseError("\(place): \"Effect\" must be \"Allow\" or \"Deny\".")
            }
            guard let actions = statement["Action"] as? [Any], !actions.isEmpty else {
                throw PolicyParseError("\(place): \"Action\" must be a non-empty array of action names.")
            }
            var patterns: [String] = []
            for action in actions {
                guard let pattern = action as? String, !pattern.isEmpty else {
                    throw PolicyParseError("\(place): every action must be a non-empty string.")
                }
                guard pattern.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ":*?-_".contains($0)) }) else {
                    throw PolicyParseError("\(place): \"\(pattern)\" may contain only letters, digits, ':', '-', '_', '*' and '?'.")
                }
                guard Action.all.contains(where: { Policy.pattern(pattern, matches: $0.rawValue) }) else {
                    throw PolicyParseError(
                        "\(place): \"\(pattern)\" matches no action. Actions look like scm:cert:get, scm:cert:*, scm:*:list or iam:user:manage.")
                }
                patterns.append(pattern)
            }
            parsed.append(Statement(effect: effect, actions: patterns))
        }
        self.init(name: name, statements: parsed)
    }

    /// The canonical JSON text of the policy (stable key order), as stored and shown.
    public var json: String {
        let statements = statements.map { statement in
            let actions = statement.actions.map { "\"\($0)\"" }.joined(separator: ", ")
            return "    {\"Effect\": \"\(statement.effect.rawValue)\", \"Action\": [\(actions)]}"
        }
        return "{\n  \"Version\": \"1.1\",\n  \"Statement\": [\n" + statements.joined(separator: ",\n") + "\n  ]\n}"
    }
}

/// The policies that apply to one user, each possibly limited to one enterprise project (a
/// group can be granted a policy for one project only). Built by the store, evaluated here only.
public struct PermissionSet: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        public var policy: Policy
        /// nil: every enterprise project.
        public var project: String?
        public init(policy: Policy, project: String? = nil) {
            self.policy = policy
            self.project = project
        }
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// An explicit Deny in this policy.
        case denied(by: String)
        /// No policy allows it.
        case notAllowed

        public var isAllowed: Bool { self == .allowed }
    }

    public var grants: [Grant]
    public init(grants: [Grant]) { self.grants = grants }

    /// What every administrator holds.
    public static let administrator = PermissionSet(grants: [Grant(policy: .administrator)])
    public static let none = PermissionSet(grants: [])

    /// RULES.md §9: an explicit Deny beats every Allow; without an Allow the answer is no.
    /// With a `project`, only grants for every project or for that one count. Without one (a
    /// page or call not about one project) an Allow in any grant counts, a Deny only when it
    /// holds for every project.
    public func decision(for action: Action, project: String? = nil) -> Decision {
        var allowed = false
        for grant in grants {
            if let project, let scope = grant.project, scope != project { continue }
            for statement in grant.policy.statements where statement.matches(action) {
                switch statement.effect {
                case .deny:
                    if project != nil || grant.project == nil { return .denied(by: grant.policy.name) }
                case .allow:
                    allowed = true
                }
            }
        }
        return allowed ? .allowed : .notAllowed
    }

    public func allows(_ action: Action, project: String? = nil) -> Bool { decision(for: action, project: project).isAllowed }

    /// The refusal a user reads when `action` is not allowed, naming the action, the project
    /// when the question was about one, and why.
    public func refusal(for action: Action, project: String? = nil) -> Refusal? {
        let place = project.map { " in enterprise project \"\($0)\"" } ?? ""
        switch decision(for: action, project: project) {
        case .allowed: return nil
        case .denied(let policy):
            return Refusal(.forbidden, "You may not do this: the policy \"\(policy)\" denies \(action)\(place).")
        case .notAllowed:
            return Refusal(.forbidden, "You may not do this: none of your policies allows \(action)\(place).")
        }
    }

    /// The enterprise projects in which `action` is allowed: what a list or a count may show.
    /// Only projects some grant names can differ from the rest; every other project is decided
    /// by the unscoped grants alone, all the same way.
    public func projects(allowing action: Action) -> ProjectScope {
        let named = Set(grants.compactMap(\.project))
        // Any project no grant names: only the unscoped grants count, Denies included. The
        // name asked for is irrelevant once the scoped grants are gone; it must only be non-nil.
        let unscoped = PermissionSet(grants: grants.filter { $0.project == nil })
        if unscoped.allows(action, project: "") {
            return .all(except: named.filter { !allows(action, project: $0) })
        }
        return .only(named.filter { allows(action, project: $0) })
    }

    /// Whether the caller may see the certificates of `project` at all: listing or reading them.
    public func canSee(project: String) -> Bool {
        allows(.certList, project: project) || allows(.certGet, project: project)
    }

    /// RULES.md §9 for one certificate: in a project the caller cannot see, it is answered as
    /// missing (so its id does not leak); visible but `action` not allowed there, as forbidden
    /// with the action and the project named.
    public func authorize(_ action: Action, onCertificate id: String, in project: String) throws(Refusal) {
        guard canSee(project: project) else { throw Refusal(.notFound, "There is no certificate with ID \(id).") }
        if let refusal = refusal(for: action, project: project) { throw refusal }
    }

    /// Making someone an administrator hands over every action in every project, so only a
    /// caller who holds all of that may do it: managing users never yields more than one has.
    public func authorizeCreatingAdministrator() throws(Refusal) {
        guard let missing = Action.all.first(where: { projects(allowing: $0) != .everything }) else { return }
        throw Refusal(
            .forbidden,
            "Only a user who may do everything in every project can create an administrator; your policies do not allow \(missing) everywhere.")
    }

    /// Managing users, groups and policies hands rights to others: resetting or enabling a user
    /// gives their rights to whoever knows the new password, adding a member or attaching a
    /// policy gives a group's rights. None of it may give more than the caller holds: every
    /// action `granted` allows, in whatever projects, the caller must be allowed there too.
    public func authorizeHandingOut(_ granted: PermissionSet, to recipient: String) throws(Refusal) {
        guard let beyond = Action.all.first(where: { !projects(allowing: $0).includes(granted.projects(allowing: $0)) }) else { return }
        throw Refusal(
            .forbidden,
            "You may not hand out rights you do not hold yourself: \(recipient) would be allowed \(beyond) where your policies do not allow it.")
    }

    /// RULES.md §9 for a certificate about to be put into `project` (bought, uploaded, moved):
    /// `action` must be allowed for that project, not merely somewhere.
    public func authorize(_ action: Action, into project: String) throws(Refusal) {
        if let refusal = refusal(for: action, project: project) { throw refusal }
    }
}

/// Whose records a caller may act on for one action, for what belongs to a user rather than to an
/// enterprise project (CSRs, orders, audit events): `Principal.ownerScope(for:)`.
public enum OwnerScope: Sendable, Equatable {
    /// Every user's: the action is allowed in every enterprise project.
    case every
    /// Only this user's own.
    case ownedBy(Int64)
    /// None at all.
    case none

    public func contains(ownerID: Int64?) -> Bool {
        switch self {
        case .every: true
        case .ownedBy(let user): ownerID == user
        case .none: false
        }
    }
}

extension Principal {
    /// CSRs, orders and audit events belong to no enterprise project, so a grant for one project
    /// cannot reach them: a caller allowed `action` in every project may act on everyone's; one
    /// allowed it only in some projects (or denied it in some), only on their own. Otherwise a
    /// user granted one project would read the CSR keys, orders and activity of every project.
    public func ownerScope(for action: Action) -> OwnerScope {
        if permissions.projects(allowing: action) == .everything { return .every }
        guard permissions.allows(action), let user = userReference else { return .none }
        return .ownedBy(user)
    }

    /// RULES.md §9 for one CSR, as for a certificate: one the caller may neither see nor list is
    /// answered as missing (its id does not leak); visible but `action` not allowed on it, as
    /// forbidden with the reason.
    public func authorize(_ action: Action, onCSR csr: StoredCSR) throws(Refusal) {
        guard ownerScope(for: .csrGet).contains(ownerID: csr.ownerID) || ownerScope(for: .csrList).contains(ownerID: csr.ownerID) else {
            throw Refusal(.notFound, "There is no CSR with ID \(csr.id).")
        }
        if let refusal = permissions.refusal(for: action) { throw refusal }
        guard ownerScope(for: action).contains(ownerID: csr.ownerID) else {
            throw Refusal(
                .forbidden,
                "You may not do this: CSRs belong to no enterprise project, and your policies allow \(action) only in some projects, so only on the CSRs you created yourself.")
        }
    }
}

/// The enterprise projects a caller may see for one action, as the store filters a query by
/// them (an `IN` or a `NOT IN` on the project column).
public enum ProjectScope: Sendable, Equatable {
    /// Every project but these: an unscoped grant allows it, project-scoped Denies remove some.
    case all(except: Set<String>)
    /// These projects only (possibly none): the action is allowed only by project-scoped grants.
    case only(Set<String>)

    public static let everything = ProjectScope.all(except: [])

    /// Whether every project `other` holds is in this scope too.
    public func includes(_ other: ProjectScope) -> Bool {
        switch (self, other) {
        case (.all(let excluded), .all(let otherExcluded)): excluded.isSubset(of: otherExcluded)
        case (.all(let excluded), .only(let included)): excluded.isDisjoint(with: included)
        case (.only(let included), .only(let otherIncluded)): otherIncluded.isSubset(of: included)
        case (.only, .all): false
        }
    }

    public func contains(_ project: String) -> Bool {
        switch self {
        case .all(let excluded): !excluded.contains(project)
        case .only(let included): included.contains(project)
        }
    }
}

import Foundation

extension Event {
    /// What a person reads for the event's action code in a certificate's History (issue 5): the
    /// code itself stays in the audit log and as the cell's tooltip. A code missing from the
    /// table shows as itself rather than as a blank line.
    public var title: String { Self.titles[action] ?? action }

    /// What a person reads for the result: a refusal names the rule in `detail`.
    public var resultLabel: String {
        switch result {
        case .success: "Success"
        case .refused: "Refused"
        case .failed: "Failed"
        }
    }

    /// Every action code an event is written with, and its title. The operation codes are past
    /// tense ("Renamed"); with the result beside it a refused one reads "Renamed — Refused".
    /// A request refused by policy is recorded under its route's permission action
    /// (`Action.all`), so those have titles too. `HistoryTests` fails for a code written in
    /// SCMService or SCMCloud that this table lacks.
    public static let titles: [String: String] = [
        // The certificate's life (RULES.md §2–§3), by the user.
        "scm:cert:buy": "Bought",
        "scm:cert:save-draft": "Application draft saved",
        "scm:cert:apply": "Application submitted",
        "scm:cert:new-application": "New application started",
        "scm:cert:verify-domain": "Domain verification requested",
        "scm:cert:change-method": "Verification method changed",
        "scm:cert:verify-organization": "Organization verification requested",
        "scm:cert:withdraw": "Withdrawal submitted",
        "scm:cert:withdraw-domain-addition": "Domain addition withdrawal submitted",
        "scm:cert:reissue": "Reissue submitted",
        "scm:cert:confirm-operation": "Operation confirmed",
        "scm:cert:add-domains": "Domain addition submitted",
        "scm:cert:renew": "Renewal bought",
        "scm:cert:auto-renew": "Auto-renewal",
        "scm:cert:stack-renew": "Next year of the subscription started",
        "scm:cert:revoke": "Revoke submitted",
        "scm:cert:delete": "Deleted",
        "scm:cert:unsubscribe": "Unsubscribed",
        "scm:cert:cancel-privacy": "Privacy authorization cancelled",
        "scm:cert:rename": "Renamed",
        "scm:cert:move-project": "Moved to another enterprise project",
        "scm:cert:download": "Downloaded",
        "scm:cert:deploy": "Deployed",
        "scm:cert:push": "Pushed",
        "scm:cert:upload": "Uploaded",
        "scm:tag:create": "Tags added",
        "scm:tag:delete": "Tags removed",
        "scm:notification:enable": "Notifications switched on",
        "scm:notification:disable": "Notifications switched off",
        "scm:notification:settings": "Notification settings changed",
        // By the scheduler and the CA.
        "scm:cert:expire": "Expired",
        "scm:reminder": "Expiry reminder sent",
        "ca:hold": "Held by the CA",
        "ca:domain-verified": "Domain verified by the CA",
        "ca:organization-verified": "Organization verified by the CA",
        "ca:reject": "Rejected by the CA",
        "ca:issue": "Issued by the CA",
        "ca:withdrawal-done": "Withdrawal completed by the CA",
        "ca:domain-addition": "Domains added by the CA",
        "ca:domain-addition-withdrawn": "Domain addition withdrawn",
        "ca:domain-addition-refused": "Domain addition refused by the CA",
        "ca:reissue": "Reissued by the CA",
        "ca:revoke": "Revoked by the CA",
        // Links followed in the CA's mails, and the DNS simulator's help.
        "mail:confirm-domain": "Domain confirmed by mail",
        "mail:verify-organization": "Organization confirmed by mail",
        "mail:confirm-revocation": "Revocation confirmed by mail",
        "mail:confirm-reissue": "Reissue confirmed by mail",
        "dns:auto-verify": "Verification DNS records written",
        // Neither about one certificate nor shown in its History; titled for the audit log.
        "scm:csr:create": "CSR generated",
        "scm:csr:upload": "CSR uploaded",
        "scm:csr:update": "CSR edited",
        "scm:csr:delete": "CSR deleted",
        "dns:zone-create": "DNS zone created",
        "dns:zone-delete": "DNS zone deleted",
        "dns:record-add": "DNS record added",
        "dns:record-modify": "DNS record changed",
        "dns:record-delete": "DNS record deleted",
        "webroot:put": "Web root file written",
        "webroot:delete": "Web root file deleted",
        "cloud:resource:add": "Cloud resource added",
        "cloud:resource:remove": "Cloud resource removed",
        "iam:access-key:create": "Access key created",
        "iam:access-key:enable": "Access key enabled",
        "iam:access-key:disable": "Access key disabled",
        "iam:access-key:delete": "Access key deleted",
        "iam:user:password": "Password changed",
        "user:create": "User created",
        "login": "Signed in",
        "logout": "Signed out",
        "keys:rotate": "Master key rotated",
        // The permission actions a request refused by policy is recorded under (the operation
        // codes above that are also permission actions keep their titles).
        "scm:cert:get": "Viewed",
        "scm:cert:list": "Listed",
        "scm:cert:update": "Changed",
        "scm:csr:get": "CSR viewed",
        "scm:csr:list": "CSRs listed",
        "scm:csr:download": "CSR private key downloaded",
        "scm:order:list": "Orders listed",
        "scm:message:list": "Messages listed",
        "scm:audit:list": "Audit log listed",
        "scm:sim:get": "Simulator viewed",
        "scm:sim:list": "Simulator listed",
        "scm:sim:update": "Simulator changed",
        "iam:user:list": "Users listed",
        "iam:user:manage": "User changed",
        "iam:group:list": "Groups listed",
        "iam:group:manage": "Group changed",
        "iam:policy:list": "Policies listed",
        "iam:policy:manage": "Policy changed",
    ]
}

import Foundation
import SCMCore
import SCMService
import SCMStore

extension WebApp {
    /// The action of each SCM v3 API operation (scm-v3.md §4), by its SDK operation ID. An
    /// operation missing here needs `scm:api:<operation id>`, which only full access grants;
    /// `PermissionRoutesTests` fails until it is listed.
    static let apiActions: [String: Action] = [
        "list_certificates": .certList, "subscribe_certificate": .certBuy, "import_certificate": .certUpload,
        "show_certificate": .certGet, "delete_certificate": .certDelete, "apply_certificate": .certApply,
        "cancel_certificate_request": .certApply, "unsubscribe_certificate": .certUnsubscribe,
        "export_certificate": .certDownload, "push_certificate": .certPush, "batch_push_certificate": .certPush,
        "deploy_certificate": .certDeploy, "list_deployed_resources": .certList, "upload_csr": .csrCreate,
        "create_csr": .csrCreate, "list_csr": .csrList, "show_csr": .csrGet, "update_csr": .csrUpdate,
        "delete_csr": .csrDelete, "show_csr_private_key": .csrDownload, "list_all_tags": .certList,
        "list_certificates_by_tag": .certList, "enable_notification": .certUpdate, "disable_notification": .certUpdate,
        "create_certificate_tag": .certUpdate, "list_tags_by_certificate": .certGet,
        "batch_create_or_delete_tags": .certUpdate,
    ]

    static func apiAction(_ operationID: String) -> Action {
        apiActions[operationID] ?? Action(rawValue: "scm:api:" + operationID)
    }

    var iam: IAMService { IAMService(context: context) }

    /// RULES.md §9 for one route, the single check every page, form and API call passes before
    /// its handler runs. The action must be allowed somewhere; when the route acts on one
    /// certificate, in that certificate's enterprise project (a certificate the caller cannot
    /// see there is missing, `PermissionSet.authorize(_:onCertificate:in:)`). Routes open to
    /// every signed-in user (no action) are the user's own data and pass.
    func authorize(_ route: Router.Route, parameters: [String: String], permissions: PermissionSet) throws {
        guard let action = route.action else { return }
        if let refusal = permissions.refusal(for: action) { throw refusal }
        guard let capture = route.certificateCapture, let id = parameters[capture] else { return }
        guard let project = try context.database.read({ try $0.enterpriseProject(ofCertificate: id) }) else {
            throw Refusal(.notFound, "There is no certificate with ID \(id).")
        }
        try permissions.authorize(action, onCertificate: id, in: project)
    }

    /// How the web answers `refusals` made while serving `request`: the status and code of the
    /// table (`RefusalAnswer`), and for a refusal by policy (403) a `refused` audit event with the
    /// action and the reason, so a denied key export or delete attempt shows in the audit log and
    /// not only in the caller's browser. Every place that turns a refusal into a response, on a
    /// page, a form or the API, asks here.
    func answer(to refusals: [Refusal], in request: RequestContext) -> RefusalAnswer {
        for refusal in refusals where refusal.code == .forbidden {
            let principal = request.principal
            record(
                Event(
                    at: context.clock.now, actor: principal.name, action: request.route?.action?.rawValue ?? "",
                    target: request.route.map { Self.target(of: $0, request.parameters) } ?? "", result: .refused,
                    detail: refusal.message, remoteAddress: principal.remoteAddress))
        }
        return RefusalAnswer(refusals)
    }

    func answer(to refusal: Refusal, in request: RequestContext) -> RefusalAnswer { answer(to: [refusal], in: request) }

    /// An API call whose signature was refused (401), audited with the access key it named (and
    /// the key's user when the key exists), never the signature: repeated failures with one key
    /// are how a leaked or guessed key shows up.
    func auditSignatureFailure(
        _ failure: SDKSignature.Failure, request: HTTPRequest, route: Router.Route, parameters: [String: String],
        keyOwner: User?
    ) {
        let accessKey = request.header("authorization").flatMap {
            try? SDKSignature.Authorization(header: $0).accessKey
        }
        let named = accessKey.map { "access key \($0.prefix(64))" } ?? "no access key"
        record(
            Event(
                at: context.clock.now, actor: keyOwner?.name ?? "anonymous", action: route.action?.rawValue ?? "",
                target: Self.target(of: route, parameters), result: .refused,
                detail: "API signature refused (\(named)): \(failure.detail ?? failure.reason)",
                remoteAddress: request.remoteAddress))
    }

    /// The id a refused route was about: its certificate, or the record its `:id` names.
    private static func target(of route: Router.Route, _ parameters: [String: String]) -> String {
        route.certificateCapture.flatMap { parameters[$0] } ?? parameters["id"] ?? ""
    }

    /// Appends an audit event outside the refused request's work; a failure to write it is logged
    /// and does not turn the refusal into a server error.
    private func record(_ event: Event) {
        do {
            try context.database.write { try $0.append(event) }
        } catch {
            context.logger.error(
                "could not audit a refusal", metadata: ["action": "\(event.action)", "error": "\(error)"])
        }
    }
}

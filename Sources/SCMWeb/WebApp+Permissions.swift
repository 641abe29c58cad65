import Foundation
import SCMCore
import SCMService

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
}

import Foundation
import SCMCore
import SCMService
import SCMStore

/// The 27 operations of `huaweicloudsdkscm` 3.1.219 (scm-v3.md §4), in routing order: literal
/// segments (`certificates`, `csr`, `tags`, …) before the `{resource_id}` captures of the tag calls.
extension WebApp {
    static let apiOperations: [APIOperation] = {
        typealias F = APIField
        func model(_ name: String) -> APISchema { .model(name) }
        let cert = "Certificates"
        let csr = "CSR"
        let tags = "Tags"
        let deploy = "Deploy"
        // 409: the certificate changed while the call ran (or, on import, a duplicate).
        let conflict = [409]
        // No limit in the contract; 100 (an order's most certificates) keeps one call bounded.
        let notices: APISchema = .array(model("NoticeRequestBody"), maxItems: 100)
        return [
            APIOperation(
                "GET", "/v3/scm/certificates", "list_certificates", "List certificates (filter, keyword, sort, page).",
                tag: cert,
                query: [
                    F("limit", .integer, "10, 20 or 50"), F("offset", .integer, "record offset"),
                    F("sort_dir", .string, "ASC or DESC"),
                    F("sort_key", .string, "certExpiredTime, certStatus or certUpdateTime"),
                    F("status", .string, "ALL or a status"),
                    F("enterprise_project_id", .string, "all, 0 or a UUID"), F("deploy_support", .boolean),
                    F("owned_by_self", .boolean), F("expired_days_since", .integer),
                    F("content", .string, "keyword: name or domain"),
                ], response: model("ListCertificatesResponse")
            ) { try $0.apiListCertificates(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/buy", "subscribe_certificate", "Buy certificates (they start PAID).",
                tag: cert,
                request: model("PurchaseCertificateRequestBody"), response: model("SubscribeCertificateResponse")
            ) { try $0.apiBuy(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/import", "import_certificate",
                "Upload an external certificate and its key.", tag: cert,
                request: model("ImportCertificateRequestBody"), response: model("ImportCertificateResponse"),
                errors: conflict
            ) {
                try $0.apiImport(&$1)
            },
            APIOperation(
                "GET", "/v3/scm/certificates/{certificate_id}", "show_certificate",
                "One certificate, with validation records.", tag: cert,
                response: model("ShowCertificateResponse")
            ) { try $0.apiShowCertificate(&$1) },
            APIOperation(
                "DELETE", "/v3/scm/certificates/{certificate_id}", "delete_certificate",
                "Remove a certificate from the manager.", tag: cert,
                response: nil, errors: conflict
            ) { try $0.apiDelete(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/apply", "apply_certificate",
                "Submit the application of a PAID certificate.",
                tag: cert, request: model("ApplyCertificateRequestBody"), response: model("ApplyCertificateResponse"),
                errors: conflict
            ) {
                try $0.apiApply(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/cancel-cert", "cancel_certificate_request",
                "Withdraw an application.",
                tag: cert, response: model("CancelCertificateRequestResponse"), errors: conflict
            ) { try $0.apiCancel(&$1) },
            APIOperation(
                "DELETE", "/v3/scm/certificates/{cert_id}/unsubscribe", "unsubscribe_certificate",
                "Unsubscribe (refund) within 7 days.",
                tag: cert, response: model("UnsubscribeCertificateResponse"), errors: conflict
            ) { try $0.apiUnsubscribe(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/export", "export_certificate",
                "Certificate, chain and private key (PEM).",
                tag: cert, response: model("ExportCertificateResponse")
            ) { try $0.apiExport(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/push", "push_certificate",
                "Push to a cloud service region.", tag: deploy,
                request: model("PushCertificateRequestBody"), response: nil
            ) { try $0.apiPush(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/batch-push", "batch_push_certificate",
                "Push to several regions.",
                tag: deploy, request: model("BatchPushCertificateRequestBody"),
                response: model("BatchPushCertificateResponse")
            ) {
                try $0.apiBatchPush(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/deploy", "deploy_certificate",
                "Deploy onto resources of a service.",
                tag: deploy, request: model("DeployCertificateRequestBody"),
                response: model("DeployCertificateResponse")
            ) {
                try $0.apiDeploy(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/deployed-resources", "list_deployed_resources", "Where certificates are deployed.",
                tag: deploy,
                request: model("ListDeployedResourcesRequestBody"), response: model("ListDeployedResourcesResponse"),
                errors: [404]
            ) {
                try $0.apiDeployedResources(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/csr/upload", "upload_csr", "Upload a CSR (and optionally its key).", tag: csr,
                request: model("UploadCsrRequestBody"), response: model("UploadCsrResponse")
            ) { try $0.apiUploadCSR(&$1) },
            APIOperation(
                "POST", "/v3/scm/csr", "create_csr", "Generate a key pair and a CSR.", tag: csr,
                request: model("CreateCsrRequestBody"), response: model("CreateCsrResponse")
            ) { try $0.apiCreateCSR(&$1) },
            APIOperation(
                "GET", "/v3/scm/csr", "list_csr", "List CSRs.", tag: csr,
                query: [
                    F("limit", .integer, "10, 20 or 50"), F("offset", .integer), F("name", .string),
                    F("private_key_algo", .string),
                ],
                response: model("ListCsrResponse")
            ) { try $0.apiListCSR(&$1) },
            APIOperation(
                "GET", "/v3/scm/csr/{id}", "show_csr", "One CSR.", tag: csr, response: model("CSRResponseBody")
            ) {
                try $0.apiShowCSR(&$1)
            },
            APIOperation(
                "PUT", "/v3/scm/csr/{id}", "update_csr", "Rename a CSR.", tag: csr,
                request: model("UpdateCSRRequestBody"),
                response: model("CSRResponseBody")
            ) { try $0.apiUpdateCSR(&$1) },
            APIOperation(
                "DELETE", "/v3/scm/csr/{id}", "delete_csr", "Delete a CSR not in use.", tag: csr, response: nil
            ) {
                try $0.apiDeleteCSR(&$1)
            },
            APIOperation(
                "GET", "/v3/scm/csr/{id}/private-key", "show_csr_private_key", "The CSR's private key (PEM).", tag: csr,
                response: model("ShowCsrPrivateKeyResponse")
            ) { try $0.apiCSRPrivateKey(&$1) },
            APIOperation(
                "GET", "/v3/scm/tags", "list_all_tags", "Every tag key in use with its values.", tag: tags,
                response: model("ListAllTagsResponse")
            ) { try $0.apiAllTags(&$1) },
            APIOperation(
                "POST", "/v3/scm/resource_instances/action", "list_certificates_by_tag",
                "Certificates selected by tags.", tag: tags,
                request: model("ListCertificatesByTagRequestBody"), response: model("ListCertificatesByTagResponse")
            ) {
                try $0.apiCertificatesByTag(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/notification/enable", "enable_notification", "Switch expiry notifications on.",
                tag: cert,
                request: notices, response: model("EmptyResponse"), errors: [404]
            ) {
                try $0.apiNotification(&$1, enabled: true)
            },
            APIOperation(
                "POST", "/v3/scm/notification/disable", "disable_notification", "Switch expiry notifications off.",
                tag: cert,
                request: notices, response: model("EmptyResponse"), errors: [404]
            ) {
                try $0.apiNotification(&$1, enabled: false)
            },
            APIOperation(
                "POST", "/v3/scm/{resource_id}/tags", "create_certificate_tag", "Add one tag to a certificate.",
                tag: tags,
                request: model("CreateCertificateTagRequestBody"), response: model("TagDescription")
            ) { try $0.apiCreateTag(&$1) },
            APIOperation(
                "GET", "/v3/scm/{resource_id}/tags", "list_tags_by_certificate", "The tags of a certificate.",
                tag: tags,
                response: model("ListTagsByCertificateResponse")
            ) { try $0.apiTags(&$1) },
            APIOperation(
                "POST", "/v3/scm/{resource_id}/tags/action", "batch_create_or_delete_tags",
                "Add or remove several tags.", tag: tags,
                request: model("BatchCreateOrDeleteTagsRequestBody"), response: model("TagDescription")
            ) { try $0.apiBatchTags(&$1) },
        ]
    }()

    /// What each error status means, for the OpenAPI document.
    private static let errorDescriptions: [Int: String] = [
        400:
            "Refused: bad input (SCM.0005 and the parse codes of scm-v3.md §2) or a state that does not allow the operation (SCM.0010)",
        401: "Signature refused (APIGW.0301, with request_id in the body)",
        403:
            "The access key's user lacks the permission, or the certificate is in a project it cannot act on (SCM.0003)",
        404: "No certificate or CSR with that ID (SCM.0020)",
        409: "Conflict: the certificate changed while the call ran, or (import) it is already present",
    ]

    /// OpenAPI 3.0 description of `apiOperations`, served at `/v3/scm/openapi.json`.
    static func openAPIDocument() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in apiOperations {
            var parameters: [JSONValue] = operation.pathParameters.map { name in
                ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
            }
            parameters += operation.query.map { parameter in
                [
                    "name": .string(parameter.name), "in": "query", "required": .bool(parameter.required),
                    "description": .string(parameter.note), "schema": parameter.schema.openAPI,
                ]
            }
            var responses: [String: JSONValue] = [:]
            if let response = operation.response {
                responses["200"] = ["description": "OK", "content": ["application/json": ["schema": response.openAPI]]]
            } else {
                responses["204"] = ["description": "Done; no body"]
            }
            for status in operation.errorStatuses {
                responses[String(status)] = [
                    "description": .string(errorDescriptions[status] ?? "Refused"),
                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                ]
            }
            var entry: [String: JSONValue] = [
                "operationId": .string(operation.operationID), "summary": .string(operation.summary),
                // The permission the call needs (RULES.md §9), as `authorize` checks it.
                "x-scm-action": .string(apiAction(operation.operationID).rawValue),
                "tags": [.string(operation.tag)], "parameters": .array(parameters), "responses": .object(responses),
            ]
            if let request = operation.request {
                // The body is optional on the wire only when no field of it is mandatory.
                let required =
                    if case .object(let fields) = request.resolved { fields.contains(where: \.required) } else { true }
                entry["requestBody"] = [
                    "required": .bool(required), "content": ["application/json": ["schema": request.openAPI]],
                ]
            }
            paths[operation.path, default: [:]][operation.method.lowercased()] = .object(entry)
        }
        // The console's JSON answers (no SDK call covers them), under their own tag.
        paths.merge(consoleJSONPaths()) { sdk, _ in sdk }
        var schemas = APISchema.models.mapValues(\.openAPI)
        schemas["FormError"] = [
            "type": "object",
            "properties": [
                "error_code": ["type": "string"], "error_msg": ["type": "string"],
                "errors": [
                    "type": "array",
                    "items": [
                        "type": "object", "properties": ["field": ["type": "string"], "message": ["type": "string"]],
                    ],
                ],
            ],
            "required": ["error_code", "error_msg"],
        ]
        schemas["Error"] = [
            "type": "object",
            "properties": [
                "error_code": ["type": "string"], "error_msg": ["type": "string"], "request_id": ["type": "string"],
            ],
            "required": ["error_code", "error_msg"],
        ]
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "SCM v3 API (scm)", "version": "3.1.219",
                "description":
                    "The SSL Certificate Manager API as driven by huaweicloudsdkscm 3.1.219. Requests are signed with SDK-HMAC-SHA256 (X-Sdk-Date, Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…).",
            ],
            "components": [
                "securitySchemes": [
                    "sdkHmacSha256": ["type": "apiKey", "in": "header", "name": "Authorization"],
                    "consoleSession": [
                        "type": "apiKey", "in": "cookie", "name": .string(sessionCookie),
                        "description":
                            "The console's sign-in cookie; state-changing calls also send the session's CSRF token (X-CSRF-Token).",
                    ],
                ],
                "schemas": .object(schemas),
            ],
            "security": [["sdkHmacSha256": []]],
            "tags": [
                ["name": "Certificates"], ["name": "Deploy"], ["name": "CSR"], ["name": "Tags"],
                [
                    "name": .string(consoleJSONTag),
                    "description":
                        "Beyond the SDK: console forms answering JSON with Accept: application/json, for a signed-in session.",
                ],
            ],
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
        ]
    }
}

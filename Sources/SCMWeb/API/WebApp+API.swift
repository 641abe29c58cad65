import Foundation
import SCMCore
import SCMService
import SCMStore

/// The 27 operations of `huaweicloudsdkscm` 3.1.219 (scm-v3.md §4), in routing order: literal
/// segments (`certificates`, `csr`, `tags`, …) before the `{resource_id}` captures of the tag calls.
extension WebApp {
    static let apiOperations: [APIOperation] = {
        typealias P = APIParameter
        let cert = "Certificates", csr = "CSR", tags = "Tags", deploy = "Deploy"
        return [
            APIOperation(
                "GET", "/v3/scm/certificates", "list_certificates", "List certificates (filter, keyword, sort, page).", tag: cert,
                query: [
                    P("limit", .integer, "10, 20 or 50"), P("offset", .integer, "record offset"), P("sort_dir", .string, "ASC or DESC"),
                    P("sort_key", .string, "certExpiredTime, certStatus or certUpdateTime"), P("status", .string, "ALL or a status"),
                    P("enterprise_project_id", .string, "all, 0 or a UUID"), P("deploy_support", .boolean),
                    P("owned_by_self", .boolean), P("expired_days_since", .integer), P("content", .string, "keyword: name or domain"),
                ]) { try $0.apiListCertificates(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/buy", "subscribe_certificate", "Buy certificates (they start PAID).", tag: cert,
                body: [
                    P("cert_brand", .string, required: true), P("cert_type", .string, required: true),
                    P("domain_type", .string, required: true), P("effective_time", .integer, required: true, "years"),
                    P("domain_numbers", .integer, required: true), P("order_number", .integer, required: true),
                    P("agree_privacy_protection", .boolean, required: true), P("primary_domain_type", .string),
                    P("single_domain_number", .integer), P("wildcard_domain_number", .integer), P("is_auto_pay", .boolean),
                    P("enterprise_project_id", .string), P("order_id", .string), P("tags", .array),
                ]) { try $0.apiBuy(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/import", "import_certificate", "Upload an external certificate and its key.", tag: cert,
                body: [
                    P("name", .string, required: true), P("certificate", .string, required: true), P("private_key", .string, required: true),
                    P("certificate_chain", .string), P("duplicate_check", .boolean), P("enterprise_project_id", .string),
                ]) { try $0.apiImport(&$1) },
            APIOperation("GET", "/v3/scm/certificates/{certificate_id}", "show_certificate", "One certificate, with validation records.", tag: cert) {
                try $0.apiShowCertificate(&$1)
            },
            APIOperation(
                "DELETE", "/v3/scm/certificates/{certificate_id}", "delete_certificate", "Remove a certificate from the manager.", tag: cert,
                success: 204) { try $0.apiDelete(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/apply", "apply_certificate", "Submit the application of a PAID certificate.",
                tag: cert,
                body: [
                    P("domain", .string, required: true), P("sans", .string, "';'-separated"), P("csr", .string),
                    P("company_name", .string), P("company_unit", .string), P("company_province", .string), P("company_city", .string),
                    P("country", .string), P("applicant_name", .string, required: true), P("applicant_phone", .string, required: true),
                    P("applicant_email", .string, required: true), P("contact_name", .string), P("contact_phone", .string),
                    P("contact_email", .string), P("auto_dns_auth", .boolean), P("agree_privacy_protection", .boolean, required: true),
                    P("domain_method", .string, required: true, "DNS, FILE or EMAIL"), P("key_algorithm", .string),
                    P("ca_hash_algorithm", .string),
                ]) { try $0.apiApply(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/cancel-cert", "cancel_certificate_request", "Withdraw an application.",
                tag: cert) { try $0.apiCancel(&$1) },
            APIOperation(
                "DELETE", "/v3/scm/certificates/{cert_id}/unsubscribe", "unsubscribe_certificate", "Unsubscribe (refund) within 7 days.",
                tag: cert) { try $0.apiUnsubscribe(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/export", "export_certificate", "Certificate, chain and private key (PEM).",
                tag: cert) { try $0.apiExport(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/push", "push_certificate", "Push to a cloud service region.", tag: deploy,
                body: [P("target_project", .string, required: true), P("target_service", .string, required: true, "CDN, WAF or ELB")],
                success: 204) { try $0.apiPush(&$1) },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/batch-push", "batch_push_certificate", "Push to several regions.",
                tag: deploy,
                body: [P("target_projects", .array, required: true), P("target_service", .string, required: true, "CDN, WAF or ELB")]) {
                    try $0.apiBatchPush(&$1)
                },
            APIOperation(
                "POST", "/v3/scm/certificates/{certificate_id}/deploy", "deploy_certificate", "Deploy onto resources of a service.",
                tag: deploy,
                body: [P("project_name", .string), P("service_name", .string, required: true), P("resources", .array, required: true)]) {
                    try $0.apiDeploy(&$1)
                },
            APIOperation(
                "POST", "/v3/scm/deployed-resources", "list_deployed_resources", "Where certificates are deployed.", tag: deploy,
                body: [P("certificate_ids", .array, required: true), P("service_names", .array, required: true)]) {
                    try $0.apiDeployedResources(&$1)
                },
            APIOperation(
                "POST", "/v3/scm/csr/upload", "upload_csr", "Upload a CSR (and optionally its key).", tag: csr,
                body: [P("name", .string, required: true), P("csr", .string, required: true), P("private_key", .string)]) {
                    try $0.apiUploadCSR(&$1)
                },
            APIOperation(
                "POST", "/v3/scm/csr", "create_csr", "Generate a key pair and a CSR.", tag: csr,
                body: [
                    P("name", .string, required: true), P("domain_name", .string, required: true), P("sans", .string),
                    P("private_key_algo", .string, required: true), P("usage", .string, required: true, "PERSONAL or ENTERPRISE"),
                    P("company_country", .string), P("company_province", .string), P("company_city", .string), P("company_name", .string),
                ]) { try $0.apiCreateCSR(&$1) },
            APIOperation(
                "GET", "/v3/scm/csr", "list_csr", "List CSRs.", tag: csr,
                query: [P("limit", .integer, "10, 20 or 50"), P("offset", .integer), P("name", .string), P("private_key_algo", .string)]) {
                    try $0.apiListCSR(&$1)
                },
            APIOperation("GET", "/v3/scm/csr/{id}", "show_csr", "One CSR.", tag: csr) { try $0.apiShowCSR(&$1) },
            APIOperation("PUT", "/v3/scm/csr/{id}", "update_csr", "Rename a CSR.", tag: csr, body: [P("name", .string, required: true)]) {
                try $0.apiUpdateCSR(&$1)
            },
            APIOperation("DELETE", "/v3/scm/csr/{id}", "delete_csr", "Delete a CSR not in use.", tag: csr, success: 204) {
                try $0.apiDeleteCSR(&$1)
            },
            APIOperation("GET", "/v3/scm/csr/{id}/private-key", "show_csr_private_key", "The CSR's private key (PEM).", tag: csr) {
                try $0.apiCSRPrivateKey(&$1)
            },
            APIOperation("GET", "/v3/scm/tags", "list_all_tags", "Every tag key in use with its values.", tag: tags) {
                try $0.apiAllTags(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/resource_instances/action", "list_certificates_by_tag", "Certificates selected by tags.", tag: tags,
                body: [
                    P("without_any_tag", .boolean), P("tags", .array), P("tags_any", .array), P("not_tags", .array),
                    P("not_tags_any", .array), P("limit", .integer), P("offset", .integer), P("action", .string, "filter or count"),
                    P("matches", .array),
                ]) { try $0.apiCertificatesByTag(&$1) },
            APIOperation(
                "POST", "/v3/scm/notification/enable", "enable_notification", "Switch expiry notifications on.", tag: cert,
                body: [P("resource_id", .string), P("notice_type", .array)], bodyIsArray: true) { try $0.apiNotification(&$1, enabled: true) },
            APIOperation(
                "POST", "/v3/scm/notification/disable", "disable_notification", "Switch expiry notifications off.", tag: cert,
                body: [P("resource_id", .string), P("notice_type", .array)], bodyIsArray: true) { try $0.apiNotification(&$1, enabled: false) },
            APIOperation(
                "POST", "/v3/scm/{resource_id}/tags", "create_certificate_tag", "Add one tag to a certificate.", tag: tags,
                body: [P("tag", .object, required: true)]) { try $0.apiCreateTag(&$1) },
            APIOperation("GET", "/v3/scm/{resource_id}/tags", "list_tags_by_certificate", "The tags of a certificate.", tag: tags) {
                try $0.apiTags(&$1)
            },
            APIOperation(
                "POST", "/v3/scm/{resource_id}/tags/action", "batch_create_or_delete_tags", "Add or remove several tags.", tag: tags,
                body: [P("action", .string, required: true, "create or delete"), P("tags", .array)]) { try $0.apiBatchTags(&$1) },
        ]
    }()

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
                    "description": .string(parameter.note), "schema": ["type": .string(parameter.kind.rawValue)],
                ]
            }
            let errorResponse: JSONValue = [
                "description": "Refused: {\"error_code\": \"SCM.xxxx\", \"error_msg\": \"…\"}",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
            var entry: [String: JSONValue] = [
                "operationId": .string(operation.operationID), "summary": .string(operation.summary),
                // The permission the call needs (RULES.md §9), as `authorize` checks it.
                "x-scm-action": .string(apiAction(operation.operationID).rawValue),
                "tags": [.string(operation.tag)], "parameters": .array(parameters),
                "responses": .object([
                    String(operation.successStatus): ["description": operation.successStatus == 204 ? "Done, no body" : "OK"],
                    "400": errorResponse, "401": ["description": "Signature refused (APIGW.0301)"],
                    "403": ["description": "The caller's policies do not allow x-scm-action (SCM.0003)"], "404": errorResponse,
                ]),
            ]
            if !operation.body.isEmpty {
                var properties: [String: JSONValue] = [:]
                for field in operation.body {
                    properties[field.name] = ["type": .string(field.kind.rawValue), "description": .string(field.note)]
                }
                let required = operation.body.filter(\.required).map { JSONValue.string($0.name) }
                var schema: JSONValue = ["type": "object", "properties": .object(properties)]
                if !required.isEmpty, case .object(var object) = schema {
                    object["required"] = .array(required)
                    schema = .object(object)
                }
                if operation.bodyIsArray { schema = ["type": "array", "items": schema] }
                entry["requestBody"] = [
                    "required": .bool(operation.body.contains(where: \.required)),
                    "content": ["application/json": ["schema": schema]],
                ]
            }
            paths[operation.path, default: [:]][operation.method.lowercased()] = .object(entry)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "SCM v3 API (scm)", "version": "3.1.219",
                "description": "The SSL Certificate Manager API as driven by huaweicloudsdkscm 3.1.219. Requests are signed with SDK-HMAC-SHA256 (X-Sdk-Date, Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…).",
            ],
            "components": [
                "securitySchemes": ["sdkHmacSha256": ["type": "apiKey", "in": "header", "name": "Authorization"]],
                "schemas": [
                    "Error": [
                        "type": "object",
                        "properties": ["error_code": ["type": "string"], "error_msg": ["type": "string"]],
                    ]
                ],
            ],
            "security": [["sdkHmacSha256": []]],
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
        ]
    }
}

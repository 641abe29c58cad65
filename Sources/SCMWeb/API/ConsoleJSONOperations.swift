import Foundation
import SCMCore

/// A console form that answers JSON when asked with `Accept: application/json` (DESIGN.md web
/// conventions), for the operations the SDK lacks: reissue, revoke, renew, add domains, rename
/// and download. They are signed in with the session cookie and the session's CSRF token, not
/// with an access key, so the OpenAPI document lists them under their own tag and security
/// scheme. `test_console_json_operations` checks the routes exist and that a call's answer has
/// exactly the fields described.
struct ConsoleJSONOperation: Sendable {
    let method: String
    /// OpenAPI style: `/certificates/{id}/rename`.
    let path: String
    let operationID: String
    let summary: String
    /// Fields of the `application/x-www-form-urlencoded` body (all strings on the wire).
    let form: [APIField]
    /// The JSON answer on success.
    let response: APISchema
}

extension WebApp {
    static let consoleJSONTag = "Console (session, JSON)"

    static let consoleJSONOperations: [ConsoleJSONOperation] = {
        typealias F = APIField
        typealias Field = ApplicationField
        let applicationFields: [APIField] = [
            F(Field.domain, .string, required: true), F(Field.sans, .string, "one domain a line"),
            F(Field.csrMode, .string, "system, existing or uploaded"),
            F(Field.csrID, .string, "existing: the CSR's ID"),
            F(Field.csr, .string, "uploaded: the CSR in PEM"),
            F(Field.keyAlgorithm, .string, "system: RSA_2048 … EC_P384"),
            F(Field.domainMethod, .string, required: true, "DNS, FILE or EMAIL"),
            F(Field.caHashAlgorithm, .string, "DEFAULT or SHA-256"),
            F(Field.companyName, .string, "OV/EV"), F(Field.companyUnit, .string),
            F(Field.country, .string, "OV/EV: ISO 3166-1 alpha-2"),
            F(Field.province, .string, "OV/EV"), F(Field.city, .string, "OV/EV"),
            F(Field.applicantName, .string, required: true),
            F(Field.applicantPhone, .string, required: true), F(Field.applicantEmail, .string, required: true),
            F(Field.contactName, .string), F(Field.contactPhone, .string), F(Field.contactEmail, .string),
            F(Field.agree, .string, required: true, "on or true"),
        ]
        let status: APISchema = .object([F("status", .string, required: true, "the certificate's status afterwards")])
        return [
            ConsoleJSONOperation(
                method: "POST", path: "/certificates/{id}/reissue", operationID: "console_reissue",
                summary: "Reissue an issued certificate with new domains, key or CSR (RULES.md §3).",
                form: applicationFields + [
                    F("validation_mailbox", .string, "EMAIL validation: the mailbox name, default admin")
                ],
                response: .object([
                    F("status", .string, required: true),
                    F(
                        "awaiting_confirmation", .string, required: true,
                        "what the CA's e-mail asks to confirm; empty when nothing"),
                ])),
            ConsoleJSONOperation(
                method: "POST", path: "/certificates/{id}/revoke", operationID: "console_revoke",
                summary: "Submit the revocation of an issued certificate.",
                form: [F("reason", .string, "free text, at most 255 characters")], response: status),
            ConsoleJSONOperation(
                method: "POST", path: "/certificates/{id}/renew", operationID: "console_renew",
                summary: "Buy the renewal of a certificate near its expiry.",
                form: [
                    F("cert_brand", .string), F("cert_type", .string), F("domain_type", .string),
                    F("domain_numbers", .string, "an integer"),
                    F(Field.domain, .string, "the primary domain of the renewal"),
                    F(Field.agree, .string, required: true, "on or true"),
                ],
                response: .object([
                    F("cert_id", .string, required: true, "the renewal's ID"), F("order_id", .string, required: true),
                    F("renewal_of", .string, required: true),
                ])),
            ConsoleJSONOperation(
                method: "POST", path: "/certificates/{id}/add-domains", operationID: "console_add_domains",
                summary: "Add domains to a multi-domain certificate within its quota.",
                form: [
                    F(Field.sans, .string, required: true, "one domain a line"),
                    F(Field.email, .string, "EMAIL validation: the address"),
                ],
                response: status),
            ConsoleJSONOperation(
                method: "POST", path: "/certificates/{id}/rename", operationID: "console_rename",
                summary: "Change a certificate's name and description.",
                form: [F(Field.name, .string, required: true), F(Field.description, .string)],
                response: .object([F("name", .string, required: true), F("description", .string, required: true)])),
            ConsoleJSONOperation(
                method: "GET", path: "/certificates/{id}/download", operationID: "console_download",
                summary: "The server formats the certificate can be downloaded for; each href answers a ZIP.", form: [],
                response: .object([
                    F("certificate_id", .string, required: true),
                    F("has_private_key", .boolean, required: true, "false: the packages hold no key"),
                    F(
                        "servers",
                        .array(
                            .object([
                                F("type", .string, required: true), F("name", .string, required: true),
                                F("href", .string, required: true, "GET it for the ZIP"),
                            ])), required: true),
                ])),
        ]
    }()

    /// The paths of `consoleJSONOperations` for the OpenAPI document.
    static func consoleJSONPaths() -> [String: [String: JSONValue]] {
        var paths: [String: [String: JSONValue]] = [:]
        let error: JSONValue = ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/FormError"]]]]
        func refused(_ description: String) -> JSONValue {
            guard case .object(var object) = error else { return error }
            object["description"] = .string(description)
            return .object(object)
        }
        for operation in consoleJSONOperations {
            var entry: [String: JSONValue] = [
                "operationId": .string(operation.operationID), "summary": .string(operation.summary),
                "tags": [.string(consoleJSONTag)], "security": [["consoleSession": []]],
                "parameters": [
                    ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]],
                    [
                        "name": "Accept", "in": "header", "required": true,
                        "schema": ["type": "string", "enum": ["application/json"]],
                    ],
                ],
                "responses": [
                    "200": [
                        "description": "Done", "content": ["application/json": ["schema": operation.response.openAPI]],
                    ],
                    "400": refused("Refused: each message names its field (errors[])"),
                    "401": refused("Not signed in"),
                    "403": refused("CSRF token missing or wrong, or a policy does not allow it"),
                    "404": refused("No such certificate"),
                    "409": refused("The certificate changed meanwhile"),
                ],
            ]
            if !operation.form.isEmpty {
                if case .array(var parameters) = entry["parameters"] {
                    parameters.append(
                        [
                            "name": "X-CSRF-Token", "in": "header", "required": true,
                            "description": "the session's token (or a csrf_token field)",
                            "schema": ["type": "string"],
                        ])
                    entry["parameters"] = .array(parameters)
                }
                entry["requestBody"] = [
                    "required": true,
                    "content": [
                        "application/x-www-form-urlencoded": ["schema": APISchema.object(operation.form).openAPI]
                    ],
                ]
            }
            paths[operation.path, default: [:]][operation.method.lowercased()] = .object(entry)
        }
        return paths
    }
}

import Foundation
import SCMService

/// The shape of a JSON value on the wire. Request bodies are checked against it before their
/// handler runs, and `/v3/scm/openapi.json` is written from it, so what is described is what is
/// enforced. Field names and types are those of the SDK models (huaweicloudsdkscm 3.1.219,
/// `openapi_types`); the e2e test `test_openapi_matches_the_sdk_models` compares them.
indirect enum APISchema: Sendable {
    case string
    case integer
    case boolean
    /// `maxItems`: the contract's limit on a batch (or a sane one where it names none), so one
    /// call cannot make an unbounded amount of work.
    case array(APISchema, maxItems: Int? = nil)
    case object([APIField])
    /// A schema of `APISchema.models`, named after the SDK model it mirrors.
    case model(String)

    /// The schema itself, a `.model` looked up.
    var resolved: APISchema {
        guard case .model(let name) = self else { return self }
        guard let schema = Self.models[name] else { preconditionFailure("No API model named \(name)") }
        return schema
    }

    /// The OpenAPI 3 schema object; models become `$ref`s to `components.schemas`.
    var openAPI: JSONValue {
        switch self {
        case .string: return ["type": "string"]
        case .integer: return ["type": "integer"]
        case .boolean: return ["type": "boolean"]
        case .array(let items, let maxItems):
            var array: [String: JSONValue] = ["type": "array", "items": items.openAPI]
            if let maxItems { array["maxItems"] = .int(Int64(maxItems)) }
            return .object(array)
        case .model(let name): return ["$ref": .string("#/components/schemas/\(name)")]
        case .object(let fields):
            var object: [String: JSONValue] = [
                "type": "object",
                "properties": .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.openAPIProperty) })),
            ]
            if fields.contains(where: \.required) {
                object["required"] = .array(fields.filter(\.required).map { .string($0.name) })
            }
            return .object(object)
        }
    }

    /// Checks a request value against the schema with `JSONObject`'s accessors, so a missing
    /// mandatory field or a wrong type gets the same message whichever handler reads it.
    /// `what` names the value in messages ("The request body", "Each item of tags").
    func validate(_ value: JSONValue, what: String) throws {
        switch resolved {
        case .object(let fields):
            let object = try JSONObject(value, what: what)
            for field in fields {
                if field.required, object.fields[field.name] == nil || object.fields[field.name] == .null {
                    throw APIError.badRequest("The mandatory field \(field.name) is missing.")
                }
                try field.schema.validateField(field.name, of: object)
            }
        case .array(let items, let maxItems):
            guard case .array(let elements) = value else {
                throw APIError.badRequest("\(what) must be a JSON array, not \(value.typeName).")
            }
            try Self.checkCount(elements, maxItems, what)
            for element in elements { try items.validate(element, what: "Each item of \(what.lowercased())") }
        case .string, .integer, .boolean:
            guard accepts(value) else {
                throw APIError.badRequest("\(what) must be \(kindName), not \(value.typeName).")
            }
        case .model:
            preconditionFailure("resolved is never a model")
        }
    }

    /// For a primitive schema: whether `value` is of its type, as `JSONObject`'s accessors judge.
    private func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.string, .string), (.integer, .int), (.boolean, .bool): true
        case (.integer, .double(let number)): number.rounded() == number
        default: false
        }
    }

    private var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a JSON boolean (true or false)"
        case .array: "an array"
        case .object, .model: "an object"
        }
    }

    private func validateField(_ name: String, of object: JSONObject) throws {
        switch resolved {
        case .string: _ = try object.string(name)
        case .integer: _ = try object.int(name)
        case .boolean: _ = try object.bool(name)
        case .object:
            if let field = object.fields[name], field != .null { try validate(field, what: "The field \(name)") }
        case .array(let items, let maxItems):
            let elements = try object.array(name) ?? []
            try Self.checkCount(elements, maxItems, "The field \(name)")
            for item in elements {
                if case .object = items.resolved {
                    try items.validate(item, what: "Each item of \(name)")
                } else {
                    try items.validate(item, what: "The field \(name)[]")
                }
            }
        case .model: preconditionFailure("resolved is never a model")
        }
    }
}

extension APISchema {
    private static func checkCount(_ elements: [JSONValue], _ maxItems: Int?, _ what: String) throws {
        guard let maxItems, elements.count > maxItems else { return }
        throw APIError.badRequest("\(what) holds at most \(maxItems) items, not \(elements.count).")
    }
}

/// A named field of an object, a query parameter or a path parameter.
struct APIField: Sendable {
    let name: String
    let schema: APISchema
    let required: Bool
    /// An answer may carry `null` here (scm-v3.md marks the few such fields).
    let nullable: Bool
    let note: String

    init(_ name: String, _ schema: APISchema, required: Bool = false, nullable: Bool = false, _ note: String = "") {
        self.name = name
        self.schema = schema
        self.required = required
        self.nullable = nullable
        self.note = note
    }

    var openAPIProperty: JSONValue {
        guard case .object(var property) = schema.openAPI else { return schema.openAPI }
        if !note.isEmpty { property["description"] = .string(note) }
        if nullable { property["nullable"] = true }
        return .object(property)
    }
}

extension APISchema {
    /// Every model of scm-v3.md §4, by the SDK class name it mirrors (one source for the
    /// request checks and the OpenAPI document's `components.schemas`).
    static let models: [String: APISchema] = {
        typealias F = APIField
        // A certificate carries at most 20 tags, so no tag call needs more; a tag filter holds at
        // most 20 keys of at most 20 values (scm-v3.md §4.5).
        let tagLimit = TagService.maximumTagsPerCertificate
        let tag: APISchema = .model("ScsResourceTag")
        let tagFilter: APISchema = .array(.model("ScsTag"), maxItems: 20)
        let csrFields: [APIField] = [
            F("id", .string), F("name", .string), F("domain_name", .string), F("sans", .string, "';'-separated"),
            F("private_key_algo", .string), F("usage", .string, "PERSONAL or ENTERPRISE"),
            F("company_country", .string),
            F("company_province", .string), F("company_city", .string), F("company_name", .string),
            F("create_time", .integer, "milliseconds since 1970"),
            F("update_time", .integer, "milliseconds since 1970"),
        ]
        return [
            // Shared pieces.
            "ScsResourceTag": .object([F("key", .string, required: true), F("value", .string)]),
            "ScsTag": .object([
                F("key", .string, required: true),
                F("values", .array(.string, maxItems: 20), "may be empty, but present"),
            ]),
            "ScsMatch": .object([
                F("key", .string, required: true, "resource_name"), F("value", .string, required: true),
            ]),
            "CertDetail": .object([F("cert_id", .string)]),
            "CertificateDetail": .object([
                F("id", .string), F("name", .string), F("domain", .string), F("sans", .string, "';'-separated"),
                F("signature_algorithm", .string), F("deploy_support", .boolean), F("type", .string),
                F("brand", .string),
                F("expire_time", .string, "yyyy-MM-dd HH:mm:ss.0, UTC"), F("domain_type", .string),
                F("validity_period", .integer, "months"), F("status", .string), F("domain_count", .integer),
                F("wildcard_count", .integer), F("description", .string, nullable: true, "null when empty"),
                F("domain_id", .string),
                F("enterprise_project_id", .string, "\"0\" is the default project"),
            ]),
            "ShowCertificateResponseBodyApplicationInfo": .object(
                [
                    "country", "company_name", "company_province", "company_city", "applicant_name", "applicant_phone",
                    "applicant_email",
                    "contact_name", "contact_phone", "contact_email",
                ].map { F($0, .string) }),
            "Authentification": .object(
                ["record_name", "record_type", "record_value", "domain"].map { F($0, .string) }),
            "CSRResponseBody": .object(csrFields + [F("csr", .string, "PEM")]),
            "DeployedResource": .object([
                F("id", .string, "WAF and ELB: the resource ID"), F("type", .string, "WAF only: premium or cloud"),
                F("domain_name", .string, "CDN only: the accelerated domain"),
                F("enterprise_project_id", .string, "WAF only: the resource's enterprise project"),
            ]),
            "NoticeRequestBody": .object([
                F("resource_id", .string, required: true),
                F("notice_type", .array(.string), "CERT_EXPIRING, CERT_EXPIRED; absent: both"),
            ]),
            "TagResource": .object([
                F("resource_id", .string), F("tags", .array(tag)), F("resource_name", .string),
                F("resource_detail", .model("TagResourceResourceDetail")),
            ]),
            "TagResourceResourceDetail": .object([
                F("cert_id", .string), F("cert_name", .string), F("domain", .string), F("cert_type", .string),
                F("cert_brand", .string),
                F("domain_type", .string), F("purchase_period", .integer, "years"),
                F("expired_time", .string, "milliseconds"),
                F("order_status", .string), F("domain_num", .integer), F("wildcard_number", .integer),
                F("sans", .string),
                F("cert_des", .string), F("signature_algorithm", .string), F("fail_reason", .string),
                F("partner_order_id", .string),
                F("push_support", .boolean), F("cert_issued_time", .string, "milliseconds"), F("resource_id", .string),
                F("unsubscribe_support", .boolean), F("enterprise_project_id", .string), F("origin_cert_id", .string),
                F("renewal_cert_id", .string), F("auto_renew_status", .integer), F("remain_cert_number", .integer),
                F("auto_deploy_support", .boolean),
            ]),
            "ResultDetail": .object([
                F("certificate_id", .string), F("total_num", .integer),
                F("deployed_resources", .array(.model("DeployedResourceDetail"))),
            ]),
            "DeployedResourceDetail": .object([
                F("service", .string), F("resource_num", .integer),
                F("resource_location", .string, "global or regional"),
                F("region_resources", .array(.model("RegionResourceDetail"))),
            ]),
            "RegionResourceDetail": .object([
                F("region_id", .string), F("is_error", .boolean), F("resources", .array(.model("ResourceDetail"))),
            ]),
            "ResourceDetail": .object([F("resource_id", .string), F("resource_name", .string)]),

            // Request bodies.
            "PurchaseCertificateRequestBody": .object([
                F("cert_brand", .string, required: true), F("cert_type", .string, required: true),
                F("domain_type", .string, required: true, "SINGLE_DOMAIN, MULTI_DOMAIN or WILDCARD"),
                F("effective_time", .integer, required: true, "years"), F("domain_numbers", .integer, required: true),
                F("order_number", .integer, required: true),
                F("agree_privacy_protection", .boolean, required: true, "must be true"),
                F("primary_domain_type", .string, "SINGLE_DOMAIN or WILDCARD_DOMAIN"),
                F("single_domain_number", .integer),
                F("wildcard_domain_number", .integer), F("is_auto_pay", .boolean), F("enterprise_project_id", .string),
                F("order_id", .string), F("tags", .array(tag, maxItems: tagLimit)),
            ]),
            "ApplyCertificateRequestBody": .object([
                F("domain", .string, required: true), F("sans", .string, "';'-separated"),
                F("csr", .string, "PEM; absent: scm makes the key"),
                F("company_name", .string), F("company_unit", .string), F("company_province", .string),
                F("company_city", .string),
                F("country", .string, "ISO 3166-1 alpha-2 code; required for OV/EV"),
                F("applicant_name", .string, required: true),
                F("applicant_phone", .string, required: true), F("applicant_email", .string, required: true),
                F("contact_name", .string), F("contact_phone", .string), F("contact_email", .string),
                F("auto_dns_auth", .boolean),
                F("agree_privacy_protection", .boolean, required: true, "must be true"),
                F("domain_method", .string, required: true, "DNS, FILE or EMAIL"),
                F("key_algorithm", .string, "default RSA_2048"),
                F("ca_hash_algorithm", .string, "DEFAULT or SHA-256"),
            ]),
            "ImportCertificateRequestBody": .object([
                F("name", .string, required: true), F("certificate", .string, required: true, "PEM"),
                F("certificate_chain", .string, "PEM"), F("private_key", .string, required: true, "PEM, no passphrase"),
                F("duplicate_check", .boolean, "true: refuse a certificate already present"),
                F("enterprise_project_id", .string),
                F("enc_certificate", .string, "SM dual certificates: not supported here"),
                F("enc_private_key", .string, "SM dual certificates: not supported here"),
            ]),
            "PushCertificateRequestBody": .object([
                F("target_project", .string, required: true, "region"),
                F("target_service", .string, required: true, "CDN, WAF or ELB"),
            ]),
            "BatchPushCertificateRequestBody": .object([
                F("target_projects", .array(.string, maxItems: 10), required: true, "1 to 10 regions"),
                F("target_service", .string, required: true, "CDN, WAF or ELB"),
            ]),
            "DeployCertificateRequestBody": .object([
                F("project_name", .string, "region"), F("service_name", .string, required: true, "CDN, WAF or ELB"),
                F("resources", .array(.model("DeployedResource"), maxItems: 20), required: true, "1 to 20 resources"),
            ]),
            "ListDeployedResourcesRequestBody": .object([
                F("certificate_ids", .array(.string), required: true),
                F("service_names", .array(.string), required: true, "WAF, CDN, ELB or ALL"),
            ]),
            "CreateCsrRequestBody": .object([
                F("name", .string, required: true), F("domain_name", .string, required: true),
                F("sans", .string, "';'-separated"),
                F("private_key_algo", .string, required: true),
                F("usage", .string, required: true, "PERSONAL or ENTERPRISE"),
                F("company_country", .string), F("company_province", .string), F("company_city", .string),
                F("company_name", .string),
            ]),
            "UpdateCSRRequestBody": .object([F("name", .string, required: true)]),
            "UploadCsrRequestBody": .object([
                F("name", .string, required: true), F("csr", .string, required: true, "PEM"),
                F("private_key", .string, "PEM"),
            ]),
            "CreateCertificateTagRequestBody": .object([F("tag", tag, required: true)]),
            "BatchCreateOrDeleteTagsRequestBody": .object([
                F("action", .string, required: true, "create or delete"), F("tags", .array(tag, maxItems: tagLimit)),
            ]),
            "ListCertificatesByTagRequestBody": .object([
                F("without_any_tag", .boolean), F("tags", tagFilter, "all keys, any value of each"),
                F("tags_any", tagFilter),
                F("not_tags", tagFilter), F("not_tags_any", tagFilter), F("limit", .integer, "10, 20 or 50"),
                F("offset", .integer, "record offset"), F("action", .string, "filter or count"),
                F("matches", .array(.model("ScsMatch"))),
            ]),

            // Response bodies.
            "ListCertificatesResponse": .object([
                F("certificates", .array(.model("CertificateDetail"))), F("total_count", .integer),
            ]),
            "ShowCertificateResponse": .object([
                F("id", .string), F("status", .string), F("order_id", .string), F("name", .string), F("type", .string),
                F("brand", .string),
                F("push_support", .string, "\"true\" or \"false\" (a string in this model)"),
                F("revoke_reason", .string),
                F("signature_algorithm", .string), F("issue_time", .string), F("not_before", .string),
                F("not_after", .string),
                F("validity_period", .integer, "months"), F("validation_method", .string), F("domain_type", .string),
                F("multi_domain_type", .string), F("domain", .string), F("sans", .string), F("domain_count", .integer),
                F("wildcard_count", .integer), F("fingerprint", .string, "SHA-1"), F("shared", .boolean),
                F("application_info", .model("ShowCertificateResponseBodyApplicationInfo")), F("description", .string),
                F("enterprise_project_id", .string), F("authentification", .array(.model("Authentification"))),
            ]),
            "SubscribeCertificateResponse": .object([F("order_id", .string), F("cert", .array(.model("CertDetail")))]),
            "ApplyCertificateResponse": .object([F("request_info", .string)]),
            "CancelCertificateRequestResponse": .object([F("cert_id", .string), F("message", .string)]),
            "UnsubscribeCertificateResponse": .object([F("unsubscribe_results", .string)]),
            "ImportCertificateResponse": .object([F("certificate_id", .string)]),
            "ExportCertificateResponse": .object(
                [
                    "entire_certificate", "certificate", "certificate_chain", "private_key", "enc_certificate",
                    "enc_private_key",
                ].map {
                    F($0, .string)
                }),
            "BatchPushCertificateResponse": .object([
                F("results", .array(.model("BatchPushCertificateResponseBodyResults")))
            ]),
            "BatchPushCertificateResponseBodyResults": .object([
                F("project_name", .string, "region"), F("cert_id", .string, "the copy's ID in the target service"),
                F("message", .string),
            ]),
            "DeployCertificateResponse": .object([F("failure_list", .array(.model("FaiureResource")))]),
            "FaiureResource": .object([F("resource", .string), F("failure_info", .string)]),
            "ListDeployedResourcesResponse": .object([F("results", .array(.model("ResultDetail")))]),
            "CreateCsrResponse": .object(csrFields),
            "ListCsrResponse": .object([F("csr_list", .array(.model("CSRResponseBody"))), F("total", .integer)]),
            "UploadCsrResponse": .object([F("id", .string), F("name", .string), F("create_time", .integer)]),
            "ShowCsrPrivateKeyResponse": .object([F("private_key", .string, "PEM")]),
            "TagDescription": .object([F("desc", .string)]),
            "ListTagsByCertificateResponse": .object([F("tags", .array(tag))]),
            "ListAllTagsResponse": .object([F("tags", .array(.model("ScsTag")))]),
            "ListCertificatesByTagResponse": .object([
                F("total_count", .integer), F("resources", .array(.model("TagResource"))),
            ]),
            "EmptyResponse": .object([]),
        ]
    }()
}

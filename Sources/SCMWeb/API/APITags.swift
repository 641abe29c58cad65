import Foundation
import SCMCore
import SCMService
import SCMStore

/// Tag calls (scm-v3.md §4.5) on `TagService`, and the notification switches (§4.6).
extension WebApp {
    private var tagService: TagService { TagService(context: context) }

    /// One `{key, value}` (ScsResourceTag), as tag calls and buy's `tags` send it.
    static func tag(_ value: JSONValue, what: String) throws -> TagService.Tag {
        let object = try JSONObject(value, what: what)
        let key = try object.requiredString("key")
        guard !key.isEmpty else { throw emptyKey(in: what) }
        return TagService.Tag(key: key, value: try object.string("value") ?? "")
    }

    /// SCM.0023 through the refusal table (scm-v3.md §2). An empty value is allowed
    /// (`CertificateTag`), so SCM.0024 never occurs.
    private static func emptyKey(in what: String) -> Refusal {
        Refusal(.emptyTagKey, "\(what): a tag key cannot be empty.", field: what)
    }

    func apiCreateTag(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        guard let tagValue = body.fields["tag"], tagValue != .null else { throw APIError.badRequest("The mandatory field tag is missing.") }
        let tag = try Self.tag(tagValue, what: "The field tag")
        try tagService.create([tag], certificateID: context.parameter("resource_id"), by: context.principal)
        return .ok(["desc": "success"])
    }

    func apiBatchTags(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        let action = try body.requiredString("action")
        let tags = try (body.array("tags") ?? []).map { try Self.tag($0, what: "Each item of tags") }
        let id = context.parameter("resource_id")
        switch action {
        case "create": try tagService.create(tags, certificateID: id, by: context.principal)
        case "delete": try tagService.delete(tags, certificateID: id, by: context.principal)
        default: throw APIError.badRequest("action must be create or delete, not \"\(action)\".")
        }
        return .ok(["desc": "success"])
    }

    func apiTags(_ context: inout RequestContext) throws -> APIResult {
        let tags = try tagService.tags(certificateID: context.parameter("resource_id"), by: context.principal)
        return .ok(["tags": .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] })])
    }

    func apiAllTags(_ context: inout RequestContext) throws -> APIResult {
        let tags = try tagService.allTags(by: context.principal)
        return .ok(["tags": .array(tags.map { ["key": .string($0.key), "values": .array($0.values.map(JSONValue.string))] })])
    }

    /// `{key, values[]}` filters: no duplicates, `values` present (possibly empty). The schema
    /// (`ListCertificatesByTagRequestBody`) has already limited them to 20 keys of 20 values.
    private static func conditions(_ body: JSONObject, _ field: String) throws -> [TagQuery.Condition] {
        let items = try body.array(field) ?? []
        let conditions = try items.map { item -> TagQuery.Condition in
            let object = try JSONObject(item, what: "Each item of \(field)")
            let key = try object.requiredString("key")
            guard !key.isEmpty else { throw emptyKey(in: field) }
            guard let values = try object.strings("values") else { throw APIError.badRequest("\(field): key \(key) needs a values array (it may be empty).") }
            guard Set(values).count == values.count else { throw APIError.badRequest("\(field): key \(key) repeats a value.") }
            return TagQuery.Condition(key: key, values: values)
        }
        guard Set(conditions.map(\.key)).count == conditions.count else { throw APIError.badRequest("\(field) repeats a key.") }
        return conditions
    }

    func apiCertificatesByTag(_ context: inout RequestContext) throws -> APIResult {
        let body = try context.jsonBody
        var query = TagQuery()
        query.withoutAnyTag = try body.bool("without_any_tag") ?? false
        query.all = try Self.conditions(body, "tags")
        query.any = try Self.conditions(body, "tags_any")
        query.notAll = try Self.conditions(body, "not_tags")
        query.notAny = try Self.conditions(body, "not_tags_any")
        query.limit = try context.pageLimit(body.int("limit"))
        query.offset = try body.int("offset") ?? 0
        guard query.offset >= 0 else { throw APIError.badRequest("offset cannot be negative.") }
        let action = try body.string("action") ?? "filter"
        guard action == "filter" || action == "count" else { throw APIError.badRequest("action must be filter or count, not \"\(action)\".") }
        var matchKeys = Set<String>()
        for item in try body.array("matches") ?? [] {
            let match = try JSONObject(item, what: "Each item of matches")
            let key = try match.requiredString("key")
            guard key == "resource_name" else { throw APIError.badRequest("matches: the only key is resource_name, not \"\(key)\".") }
            guard matchKeys.insert(key).inserted else { throw APIError.badRequest("matches repeats the key \(key).") }
            query.nameContains = try match.requiredString("value")
        }
        let page = try tagService.certificates(matching: query, by: context.principal)
        if action == "count" { return .ok(["total_count": .int(Int64(page.total))]) }
        let now = self.context.clock.now
        return .ok([
            "total_count": .int(Int64(page.total)),
            "resources": .array(page.items.map { Self.tagResource($0.certificate, tags: $0.tags, now: now) }),
        ])
    }

    /// TagResource (scm-v3.md §4.5): times as millisecond strings.
    private static func tagResource(_ certificate: Certificate, tags: [TagService.Tag], now: Date) -> JSONValue {
        let allowed = allowedOperations(for: certificate, now: now, channel: .api)
        func ms(_ date: Date?) -> JSONValue { date.map { .string(String(APIFormat.milliseconds($0))) } ?? "" }
        return [
            "resource_id": .string(certificate.id), "resource_name": .string(certificate.name),
            "tags": .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] }),
            "resource_detail": [
                "cert_id": .string(certificate.id), "cert_name": .string(certificate.name), "domain": .string(certificate.domain),
                "cert_type": .string(certificate.type.rawValue), "cert_brand": .string(certificate.brand.rawValue),
                "domain_type": .string(certificate.domainType.rawValue), "purchase_period": .int(Int64(certificate.validityYears)),
                "expired_time": ms(certificate.notAfter), "order_status": .string(certificate.status.rawValue),
                "domain_num": .int(Int64(certificate.domainQuota)), "wildcard_number": .int(Int64(APIFormat.wildcardCount(certificate))),
                "sans": .string(certificate.sans.joined(separator: ";")), "cert_des": .string(certificate.description),
                "signature_algorithm": .string(certificate.signatureAlgorithm), "fail_reason": .string(certificate.failReason ?? ""),
                "partner_order_id": .string(certificate.orderID ?? ""), "push_support": .bool(allowed.contains(.push)),
                "cert_issued_time": ms(certificate.issuedAt), "resource_id": .string(certificate.id),
                "unsubscribe_support": .bool(allowed.contains(.unsubscribe)),
                "enterprise_project_id": .string(APIFormat.projectID(certificate.enterpriseProject)),
                "origin_cert_id": .string(certificate.renewalOf ?? ""), "renewal_cert_id": .string(certificate.renewedBy ?? ""),
                "auto_renew_status": .int(certificate.autoRenew ? 1 : 0),
                "remain_cert_number": .int(Int64(certificate.validityYears)),
                "auto_deploy_support": .bool(false),
            ],
        ]
    }

    /// The body is a top-level JSON array of `{resource_id, notice_type[]}`; a missing
    /// `notice_type` means both kinds.
    func apiNotification(_ context: inout RequestContext, enabled: Bool) throws -> APIResult {
        let value = context.request.body.isEmpty ? JSONValue.array([]) : try JSONValue.parse(context.request.body)
        guard case .array(let items) = value else {
            throw APIError.badRequest("The request body must be a JSON array of {resource_id, notice_type}, not \(value.typeName).")
        }
        let entries = try items.map { item -> (certificateID: String, kinds: Set<NotificationService.Kind>) in
            let object = try JSONObject(item, what: "Each item of the body")
            let id = try object.requiredString("resource_id")
            let names = try object.strings("notice_type") ?? NotificationService.Kind.allCases.map(\.rawValue)
            let kinds = try Set(names.map { name in
                guard let kind = NotificationService.Kind(rawValue: name) else {
                    throw APIError.badRequest("notice_type must be CERT_EXPIRING or CERT_EXPIRED, not \"\(name)\".")
                }
                return kind
            })
            return (id, kinds)
        }
        try NotificationService(context: self.context).set(entries, enabled: enabled, by: context.principal)
        return .ok([:])
    }
}

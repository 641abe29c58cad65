import Foundation
import SCMCore
import SCMService
import SCMStore

/// The DNS simulator's console (RULES.md §5): zones, record sets (one per name and type, TTL
/// default 300 s, visible to the CA once the TTL has passed), and the `_dnsauth` deletion rule,
/// all enforced by `SimulatorService`; this layer shows them and their refusals.
extension WebApp {
    func listZones(_ request: inout RequestContext) throws -> HTTPResponse {
        .html(try zonesPage(request, zoneName: "", errors: .none))
    }

    func createZone(_ request: inout RequestContext) throws -> HTTPResponse {
        let name = request.request.form["zone"] ?? ""
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let zone = try SimulatorService(context: context).createZone(name: name, by: principal)
                return (
                    "/cloud/dns/zones/\(zone.id)", "Zone \(zone.name) created.", ["id": zone.id, "name": zone.name]
                )
            },
            reshow: { errors in try zonesPage(request, zoneName: name, errors: errors) })
    }

    func deleteZone(_ request: inout RequestContext) throws -> HTTPResponse {
        let id = try Self.numericID(request.parameter("id"), "zone")
        let principal = request.principal
        let zone = try loadZone(id)
        return try submit(
            request,
            perform: {
                try SimulatorService(context: context).deleteZone(id: id, by: principal)
                return ("/cloud/dns", "Zone \(zone.name) and its record sets deleted.", ["id": id])
            },
            reshow: { errors in try zonePage(request, zone: zone, form: FormData(pairs: []), errors: errors) })
    }

    func showZone(_ request: inout RequestContext) throws -> HTTPResponse {
        let zone = try loadZone(try Self.numericID(request.parameter("id"), "zone"))
        return .html(try zonePage(request, zone: zone, form: FormData(pairs: []), errors: .none))
    }

    func addRecordSet(_ request: inout RequestContext) throws -> HTTPResponse {
        let zone = try loadZone(try Self.numericID(request.parameter("id"), "zone"))
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let set = try SimulatorService(context: context).addRecordSet(
                    zoneID: zone.id, name: form["name"] ?? "", type: form["type"] ?? "", ttl: form["ttl"] ?? "",
                    values: form["values"] ?? "", by: principal)
                return (
                    "/cloud/dns/zones/\(zone.id)",
                    "Record set \(set.name) \(set.type.rawValue) added. The CA sees it once its TTL (\(set.ttl) s) has passed.",
                    Self.recordSetJSON(set)
                )
            },
            reshow: { errors in try zonePage(request, zone: zone, form: form, errors: errors) })
    }

    func showEditRecordSet(_ request: inout RequestContext) throws -> HTTPResponse {
        let (set, zone) = try loadRecordSet(request.parameter("id"))
        return .html(editRecordSetPage(request, set: set, zone: zone, form: nil, errors: .none))
    }

    func modifyRecordSet(_ request: inout RequestContext) throws -> HTTPResponse {
        let (set, zone) = try loadRecordSet(request.parameter("id"))
        let form = request.request.form
        let principal = request.principal
        return try submit(
            request,
            perform: {
                let saved = try SimulatorService(context: context).modifyRecordSet(
                    id: set.id, ttl: form["ttl"] ?? "", values: form["values"] ?? "", by: principal)
                return (
                    "/cloud/dns/zones/\(zone.id)",
                    "Record set \(saved.name) \(saved.type.rawValue) modified. The CA sees the new values once its TTL (\(saved.ttl) s) has passed.",
                    Self.recordSetJSON(saved)
                )
            },
            reshow: { errors in editRecordSetPage(request, set: set, zone: zone, form: form, errors: errors) })
    }

    func deleteRecordSet(_ request: inout RequestContext) throws -> HTTPResponse {
        let (set, zone) = try loadRecordSet(request.parameter("id"))
        let principal = request.principal
        return try submit(
            request,
            perform: {
                try SimulatorService(context: context).deleteRecordSet(id: set.id, by: principal)
                return (
                    "/cloud/dns/zones/\(zone.id)", "Record set \(set.name) \(set.type.rawValue) deleted.",
                    ["id": set.id]
                )
            },
            reshow: { errors in try zonePage(request, zone: zone, form: FormData(pairs: []), errors: errors) })
    }

    // MARK: Pages

    private func zonesPage(_ request: RequestContext, zoneName: String, errors: FormErrors) throws -> String {
        let zones = try context.database.read { store in
            try store.dnsZones().map { zone in (zone, try store.dnsRecordSets(zoneID: zone.id).count) }
        }
        let model = DNSZonesPage(
            layout: layout(
                title: "DNS", request: request, section: "dns",
                crumbs: [Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "DNS", href: nil)],
                flash: request.flash),
            errors: errors,
            zones: zones.map { zone, count in
                DNSZonesPage.Zone(
                    id: zone.id, name: zone.name, href: "/cloud/dns/zones/\(zone.id)", recordSets: count,
                    created: Self.formatDateTime(zone.createdAt), deleteAction: "/cloud/dns/zones/\(zone.id)/delete")
            },
            zoneName: zoneName)
        return templates.render(model, "dns-zones")
    }

    private func zonePage(_ request: RequestContext, zone: DNSZone, form: FormData, errors: FormErrors) throws -> String
    {
        let sets = try context.database.read { try $0.dnsRecordSets(zoneID: zone.id) }
        let now = context.clock.now
        let type = form["type"] ?? DNSRecordSet.RecordType.txt.rawValue
        let model = DNSZonePage(
            layout: layout(
                title: zone.name, request: request, section: "dns",
                crumbs: [
                    Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "DNS", href: "/cloud/dns"),
                    Crumb(title: zone.name, href: nil),
                ], flash: request.flash),
            errors: errors, id: zone.id, name: zone.name, deleteAction: "/cloud/dns/zones/\(zone.id)/delete",
            recordSets: sets.map { set in
                let visible = set.isVisible(at: now)
                return DNSZonePage.RecordSet(
                    id: set.id, name: set.name, type: set.type.rawValue, ttl: set.ttl, values: set.values,
                    status: "Normal",
                    savedAt: Self.formatDateTime(set.savedAt), visible: visible,
                    visibility: visible ? "Visible to the CA" : "Propagating (TTL \(set.ttl) s)",
                    editHref: "/cloud/dns/records/\(set.id)/edit", deleteAction: "/cloud/dns/records/\(set.id)/delete")
            },
            formName: form["name"] ?? "",
            typeOptions: DNSRecordSet.RecordType.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == type.uppercased())
            },
            formTTL: form["ttl"] ?? "300", formValues: form["values"] ?? "")
        return templates.render(model, "dns-zone")
    }

    private func editRecordSetPage(
        _ request: RequestContext, set: DNSRecordSet, zone: DNSZone, form: FormData?, errors: FormErrors
    ) -> String {
        let model = DNSRecordEditPage(
            layout: layout(
                title: "Modify \(set.name) \(set.type.rawValue)", request: request, section: "dns",
                crumbs: [
                    Crumb(title: "DNS", href: "/cloud/dns"),
                    Crumb(title: zone.name, href: "/cloud/dns/zones/\(zone.id)"),
                    Crumb(title: "Modify record set", href: nil),
                ], flash: request.flash),
            errors: errors, id: set.id, zoneName: zone.name, zoneHref: "/cloud/dns/zones/\(zone.id)", name: set.name,
            type: set.type.rawValue, ttl: form?["ttl"] ?? String(set.ttl),
            values: form?["values"] ?? set.values.joined(separator: "\n"), action: "/cloud/dns/records/\(set.id)")
        return templates.render(model, "dns-record")
    }

    // MARK: Loading

    private func loadZone(_ id: Int64) throws -> DNSZone {
        guard let zone = try context.database.read({ try $0.dnsZone(id: id) }) else {
            throw Refusal(.notFound, "There is no zone with ID \(id).")
        }
        return zone
    }

    private func loadRecordSet(_ text: String) throws -> (DNSRecordSet, DNSZone) {
        let id = try Self.numericID(text, "record set")
        let found = try context.database.read { store -> (DNSRecordSet, DNSZone)? in
            guard let set = try store.dnsRecordSet(id: id), let zone = try store.dnsZone(id: set.zoneID) else {
                return nil
            }
            return (set, zone)
        }
        guard let found else { throw Refusal(.notFound, "There is no record set with ID \(id).") }
        return found
    }

    static func recordSetJSON(_ set: DNSRecordSet) -> [String: Any] {
        [
            "id": set.id, "zone_id": set.zoneID, "name": set.name, "type": set.type.rawValue, "ttl": set.ttl,
            "records": set.values, "status": "ACTIVE",
        ]
    }
}

import Foundation
import SCMCore

/// `GET /cloud/dns`: the hosted zones and the form that creates one (RULES.md §5).
struct DNSZonesPage {
    struct Zone {
        let id: Int64
        let name: String
        let href: String
        let recordSets: Int
        let created: String
        let deleteAction: String
    }

    let layout: Layout
    let errors: FormErrors
    let zones: [Zone]
    /// The create form's value (kept after a refusal).
    let zoneName: String
}

/// `GET /cloud/dns/zones/{id}`: a zone's record sets and the "Add record set" form.
struct DNSZonePage {
    struct RecordSet {
        let id: Int64
        let name: String
        let type: String
        let ttl: Int
        let values: [String]
        let status: String
        let savedAt: String
        let visible: Bool
        let visibility: String
        let editHref: String
        let deleteAction: String
    }

    let layout: Layout
    let errors: FormErrors
    let id: Int64
    let name: String
    let deleteAction: String
    let recordSets: [RecordSet]
    /// The add form's values (kept after a refusal).
    let formName: String
    let typeOptions: [SelectOption]
    let formTTL: String
    let formValues: String
}

/// `GET /cloud/dns/records/{id}/edit`: Modify a record set's TTL and values.
struct DNSRecordEditPage {
    let layout: Layout
    let errors: FormErrors
    let id: Int64
    let zoneName: String
    let zoneHref: String
    let name: String
    let type: String
    let ttl: String
    let values: String
    let action: String
}

import Foundation
import SCMCore
import SCMService

/// The details page of one certificate (issue 3 §7; issue 4 §7 adds progress and PEM).
struct CertificateDetailsPage {
    struct Field {
        let label: String
        let value: String
        let monospace: Bool
    }

    struct HistoryEntry {
        let at: String
        let actor: String
        /// What a person reads (`Event.title`); `action`, the code, is its tooltip.
        let title: String
        let action: String
        let result: String
        let failed: Bool
        let detail: String
    }

    struct Step {
        let label: String
        let state: String
    }

    /// A resource of a product simulator that holds the certificate now (issue 6 Records).
    struct DeployedResource {
        let product: String
        let productHref: String
        let region: String
        let kind: String
        let name: String
        let since: String
    }

    let layout: Layout
    let id: String
    let name: String
    let statusLabel: String
    let tone: String
    let expireSoon: Bool
    /// The percentage of RULES.md §2 (0, 40, 70, 90, 100); `hasProgress` because 0 is a value
    /// to show, which a template section on `progress` alone would skip.
    let progress: Int?
    let hasProgress: Bool
    let steps: [Step]
    let failReason: String?
    let holdReason: String?
    /// The page refreshes itself while the CA works on the certificate.
    let inReview: Bool
    let summary: [Field]
    let domains: [String]
    let issued: [Field]
    let applicant: [Field]
    let privacyCancelled: Bool
    /// The caller may rename the certificate and cancel its privacy authorization: scm:cert:update
    /// in its enterprise project. Without it neither form is shown (the server refuses them).
    let canUpdate: Bool
    /// Issue 5: the privacy switch is offered only where §3 allows it, to a caller who may use it.
    let privacyCancellable: Bool
    /// The caller may cancel privacy, but not yet in this state: the page says when.
    let privacyCancelWaits: Bool
    let descriptionText: String
    let certificatePEM: String?
    let chainPEM: String?
    let history: [HistoryEntry]
    /// The History's pages (`page` and `limit` in the page's URL), and what it says when empty.
    let pagination: Pagination
    let historyEmptyMessage: String?
    let deployedResources: [DeployedResource]
    let operations: [OperationLink]

    /// `deployed`: the resources holding the certificate now, as `/v3/scm/deployed-resources` answers.
    init(
        details: CertificateDetails, deployed: [CloudResource], now: Date, layout: Layout, operations row: CertificateListPage.Row,
        canUpdate: Bool, historyPage: PageRequest
    ) {
        let c = details.certificate
        self.layout = layout
        id = c.id
        name = c.name
        statusLabel = c.statusLabel
        tone = c.status.tone
        expireSoon = c.expiresSoon(now: now)
        progress = c.status.progress
        hasProgress = c.status.progress != nil
        failReason = c.failReason
        holdReason = c.holdReason
        inReview = Certificate.Status.reviewedByCA.contains(c.status)
        let order: [Certificate.Status] = [.paid, .checking, .checkingOrg, .issuing, .issued]
        let reached = order.firstIndex(of: c.status)
        steps = zip(["Pending application", "Domain verification", "Organization verification", "To be issued", "Issued"], order.indices)
            .filter { c.type.verifiesOrganization || $0.1 != 2 }
            .map { label, index in
                let state = reached.map { index < $0 ? "done" : (index == $0 ? "current" : "todo") } ?? "todo"
                return Step(label: label, state: state)
            }
        func field(_ label: String, _ value: String?, monospace: Bool = false) -> Field? {
            guard let value, !value.isEmpty else { return nil }
            return Field(label: label, value: value, monospace: monospace)
        }
        summary = [
            field("Certificate ID", c.id, monospace: true), field("Name", c.name), field("Description", c.description),
            field("Type", c.typeSummary), field("Domain type", c.isUploaded ? nil : c.domainType.displayName),
            field("Domain quantity", c.domainType == .multiple ? "\(c.allDomains.count) used of \(c.domainQuota)" : nil),
            field("Key algorithm", c.appliedAt == nil ? nil : c.keyAlgorithm.displayName),
            field("Verification method", c.appliedAt == nil || c.isUploaded ? nil : c.validationMethod.displayName),
            field("Enterprise project", c.enterpriseProject), field("Order", c.orderID, monospace: true),
            field("Price", c.isUploaded ? nil : (c.isFree ? "Free" : "¥\(c.price)")),
            field("Created", WebApp.formatDateTime(c.createdAt)),
            field("Applied", c.appliedAt.map(WebApp.formatDateTime)),
            field("Revocation reason", c.revokeReason),
        ].compactMap { $0 }
        domains = c.allDomains
        issued = [
            field("Serial number", c.serialNumber, monospace: true),
            field("SHA-256 fingerprint", c.fingerprintSHA256, monospace: true),
            field("Issuer", c.issuer), field("Signature algorithm", c.signatureAlgorithm),
            field("Valid from", c.notBefore.map(WebApp.formatDateTime)),
            field("Valid until", c.notAfter.map(WebApp.formatDateTime)),
        ].compactMap { $0 }
        let a = details.application
        applicant = [
            field("Company", a?.companyName), field("Department", a?.companyUnit), field("Country/Region", a?.country),
            field("Province", a?.province), field("City", a?.city), field("Applicant", a?.applicantName),
            field("Applicant phone", a?.applicantPhone), field("Applicant e-mail", a?.applicantEmail),
            field("Technical contact", a?.contactName), field("Contact phone", a?.contactPhone),
            field("Contact e-mail", a?.contactEmail),
        ].compactMap { $0 }
        privacyCancelled = c.privacyCancelled
        self.canUpdate = canUpdate
        let stateAllowsCancel = (try? check(.cancelPrivacy, on: c, now: now)) != nil
        privacyCancellable = canUpdate && stateAllowsCancel
        privacyCancelWaits = canUpdate && !stateAllowsCancel
        descriptionText = c.description
        certificatePEM = details.materials.flatMap { $0.certificatePEM.isEmpty ? nil : $0.certificatePEM }
        chainPEM = details.materials.flatMap { $0.chainPEM.isEmpty ? nil : $0.chainPEM }
        pagination = Pagination(total: details.history.total, shown: details.history.items.count, request: historyPage) {
            historyPage.url("/certificates/\(c.id)", filters: [], page: $0) + "#history"
        }
        historyEmptyMessage = pagination.emptyMessage("No operations recorded yet.")
        history = details.history.items.map {
            HistoryEntry(
                at: WebApp.formatDateTime($0.at), actor: $0.actor, title: $0.title, action: $0.action,
                result: $0.resultLabel, failed: $0.result != .success, detail: $0.detail)
        }
        deployedResources = deployed.map { resource in
            let product = resource.product
            return DeployedResource(
                product: product.rawValue,
                productHref: "/cloud/\(product.rawValue.lowercased())" + (product.needsRegion ? "?region=\(resource.region)" : ""),
                region: resource.region.isEmpty ? "global" : resource.region, kind: resource.kind.displayName, name: resource.name,
                since: resource.heldSince.map(WebApp.formatDateTime) ?? "–")
        }
        operations = row.operations + row.more
    }
}

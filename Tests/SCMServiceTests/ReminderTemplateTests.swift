import Foundation
import SCMCore
import SCMService
import Testing

/// The `{deploy_targets}` variable of reminder templates (issue 9): where the certificate is
/// deployed now, so the reminder says what has to be replaced.
@Suite struct ReminderTemplateTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func deployTargetsNameEachHoldingResource() {
        let certificate = Certificate(
            id: "scs0000000000009", name: "shop", brand: .digiCert, type: .ov, domainType: .single, domainQuota: 1,
            status: .issued, createdAt: now)
        let targets = [
            CloudResource(kind: .wafDomain, region: "cn-north-4", project: "default", name: "www.example.com", createdAt: now),
            CloudResource(kind: .cdnDomain, region: "", project: "default", name: "cdn.example.com", createdAt: now),
        ]
        let step = ReminderSettings.Step(days: 30)
        let values = ExpiryService.templateValues(certificate, notAfter: now + .days(30), step: step, now: now, deployTargets: targets)
        #expect(values["deploy_targets"] == "WAF www.example.com (cn-north-4), CDN cdn.example.com")
        let none = ExpiryService.templateValues(certificate, notAfter: now + .days(30), step: step, now: now)
        #expect(none["deploy_targets"] == "no cloud product")
        #expect(ReminderSettings.render("Held by {deploy_targets}.", values) == "Held by WAF www.example.com (cn-north-4), CDN cdn.example.com.")
    }
}

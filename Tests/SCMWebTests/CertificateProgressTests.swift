import Foundation
import SCMCore
import Testing

@testable import SCMWeb

/// The details page shows the application progress of RULES.md §2 as a percentage.
@Suite struct CertificateProgressTests {
    @Test(arguments: [
        (Certificate.Status.paid, 0), (.checking, 40), (.checkingOrg, 70), (.issuing, 90), (.issued, 100),
    ])
    func theDetailsPageShowsThePercentage(status: Certificate.Status, percent: Int) throws {
        let browser = try ConsoleBrowser()
        let certificate = try browser.insertCertificate(
            id: "scs1700000000042", domain: "www.example.com", status: status, type: .ov)
        let page = browser.get("/certificates/\(certificate.id)")
        #expect(page.status == 200)
        #expect(page.html.contains(#"Application progress: <span class="progress-percent">\#(percent)%</span>"#))
        #expect(page.html.contains(#"aria-valuenow="\#(percent)""#))
        #expect(page.html.contains(#"class="progress-bar progress-\#(percent)""#))
    }

    @Test(arguments: [Certificate.Status.unpassed, .reissuing, .revoked])
    func statusesOutsideTheApplicationShowNoPercentage(status: Certificate.Status) throws {
        let browser = try ConsoleBrowser()
        let certificate = try browser.insertCertificate(
            id: "scs1700000000043", domain: "www.example.com", status: status)
        let page = browser.get("/certificates/\(certificate.id)")
        #expect(page.status == 200)
        #expect(!page.html.contains("Application progress"))
    }
}

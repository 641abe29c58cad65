import Foundation
import SCMCore
import SCMPKI
import Testing

@testable import SCMWeb

/// The CSR list's pages (RULES.md §4, issue 4 §4): create, upload, view, download, rename,
/// delete, and the refusal of a CSR still in use.
@Suite struct CSRPagesTests {
    @Test func createViewDownloadRenameAndDelete() throws {
        let browser = try ConsoleBrowser()
        let form = browser.get("/csrs/new")
        #expect(form.status == 200)
        #expect(form.html.contains(#"<option value="EC_P256">EC P-256</option>"#))

        let shown = try browser.postAndFollow(
            "/csrs",
            [
                "name": "web-csr", "domain_name": "www.example.com", "sans": "example.com\napi.example.com",
                "private_key_algo": "EC_P256",
                "usage": "PERSONAL",
            ])
        #expect(shown.html.contains("CSR web-csr created"))
        #expect(shown.html.contains("-----BEGIN CERTIFICATE REQUEST-----"))
        #expect(shown.html.contains("api.example.com"))
        let id = try #require(ConsoleBrowser.capture(#"href="/csrs/(csr[0-9a-f]+)/download""#, in: shown.html))

        let download = browser.get("/csrs/\(id)/download")
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "application/pkcs10")
        #expect(download.header("Content-Disposition") == #"attachment; filename="web-csr.csr""#)
        let info = try CSR.parse(pem: download.html)
        #expect(Set(info.domainNames) == ["www.example.com", "example.com", "api.example.com"])

        let list = browser.get("/csrs")
        #expect(list.html.contains(#"<a class="cert-name" href="/csrs/\#(id)">web-csr</a>"#))
        #expect(list.html.contains("EC P-256"))
        #expect(browser.get("/csrs?algorithm=RSA_2048").html.contains("No CSR matches these filters."))
        #expect(browser.get("/csrs?name=web").html.contains("web-csr"))
        #expect(browser.get("/csrs?algorithm=DSA").status == 400)

        let badRename = browser.post("/csrs/\(id)/rename", ["name": "bad name!"])
        #expect(badRename.status == 400)
        #expect(badRename.html.contains("Name: 1–63 letters, digits"))
        let renamed = try browser.postAndFollow("/csrs/\(id)/rename", ["name": "web-csr-2"])
        #expect(renamed.html.contains("CSR renamed to web-csr-2."))

        let deleted = try browser.postAndFollow("/csrs/\(id)/delete")
        #expect(deleted.html.contains("CSR web-csr-2 deleted."))
        #expect(browser.get("/csrs/\(id)").status == 404)
    }

    @Test func createRefusalsShowEveryFieldError() throws {
        let browser = try ConsoleBrowser()
        let refused = browser.post(
            "/csrs",
            ["name": "", "domain_name": "*.*.example.com", "private_key_algo": "RSA_1024", "usage": "ENTERPRISE"])
        #expect(refused.status == 400)
        for field in ["name", "domain_name", "private_key_algo", "company_name", "company_country"] {
            #expect(refused.html.contains(#"id="\#(field)" name="\#(field)""#))
        }
        #expect(refused.html.contains(#"value="*.*.example.com""#))
        #expect(refused.html.contains("Key algorithm: choose RSA_2048, RSA_3072, RSA_4096, EC_P256 or EC_P384."))
        #expect(refused.html.contains("Company name is required for an ENTERPRISE CSR."))
        #expect(refused.html.components(separatedBy: #"class="field-error""#).count - 1 >= 5)
        #expect(browser.get("/csrs").html.contains("No CSRs yet."))
    }

    @Test func uploadWithAndWithoutKey() throws {
        let browser = try ConsoleBrowser()
        let key = try PrivateKey(generating: .ecP256)
        let pem = try CSR.create(
            key: key, commonName: "shop.example.com", subjectAlternativeNames: ["shop.example.com"])

        let malformed = browser.post(
            "/csrs/upload",
            ["name": "bad", "csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"])
        #expect(malformed.status == 400)
        #expect(malformed.html.contains(#"<p class="field-error">CSR: "#))

        let otherKey = try PrivateKey(generating: .ecP256)
        let mismatch = browser.post("/csrs/upload", ["name": "shop", "csr": pem, "private_key": otherKey.pem])
        #expect(mismatch.status == 400)
        #expect(!mismatch.html.contains(otherKey.pem.split(separator: "\n")[1]), "the private key was sent back")
        #expect(mismatch.html.contains("A private key is never shown again"))
        #expect(
            mismatch.html.contains("Private key: it does not match the CSR&#39;s public key.")
                || mismatch.html.contains("it does not match"))

        let withKey = try browser.postAndFollow("/csrs/upload", ["name": "shop", "csr": pem, "private_key": key.pem])
        #expect(withKey.html.contains("CSR shop uploaded with its private key"))
        #expect(withKey.html.contains("shop.example.com"))

        let withoutKey = try browser.postAndFollow("/csrs/upload", ["name": "shop-nokey", "csr": pem])
        #expect(withoutKey.html.contains("CSR shop-nokey uploaded without a private key."))
        #expect(withoutKey.html.contains("Not held here"))
        #expect(browser.get("/csrs").html.contains("no key here"))
    }

    @Test func aCSRInUseCannotBeDeleted() throws {
        let browser = try ConsoleBrowser()
        let shown = try browser.postAndFollow(
            "/csrs", ["name": "used", "domain_name": "example.com", "private_key_algo": "EC_P256", "usage": "PERSONAL"])
        let id = try #require(ConsoleBrowser.capture(#"href="/csrs/(csr[0-9a-f]+)/download""#, in: shown.html))
        let certificate = try browser.insertCertificate(
            id: "scs1700000000002", domain: "example.com", status: .checking, csrID: id)

        let page = browser.get("/csrs/\(id)")
        #expect(page.html.contains("In use by certificate"))

        let refused = browser.post("/csrs/\(id)/delete")
        #expect(refused.status == 400)
        #expect(refused.html.contains("The CSR is in use by certificate \(certificate.id) and cannot be deleted."))
        #expect(browser.get("/csrs/\(id)").status == 200)

        let json = browser.post("/csrs/\(id)/delete", json: true)
        #expect(json.status == 400)
        #expect(json.html.contains(#""error_code":"SCM.0010""#))
    }
}

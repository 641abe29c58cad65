import Foundation
import SCMCore
import SCMPKI
import SCMService
import Testing

@testable import SCMWeb

/// The cloud overview, the CA page and its downloads, and the web roots.
@Suite struct CloudPagesTests {
    @Test func overviewLinksEverySimulator() throws {
        let browser = try ConsoleBrowser()
        let page = browser.get("/cloud")
        #expect(page.status == 200)
        for href in ["/cloud/ca", "/cloud/dns", "/cloud/mail", "/cloud/web"] {
            #expect(page.html.contains(#"href="\#(href)""#))
        }
        #expect(page.html.contains(#"class="nav-cloud active""#))
    }

    @Test func caPageShowsEachBrandsRootAndIntermediate() throws {
        let browser = try ConsoleBrowser()
        #expect(browser.get("/cloud/ca").html.contains("has not been created yet"))
        #expect(browser.get("/cloud/ca/GEOTRUST/root.pem").status == 404)

        try CAService(context: browser.context).ensureAuthorities()
        let page = browser.get("/cloud/ca")
        #expect(page.status == 200)
        let record = try #require(try browser.context.database.read { try $0.authority(.geoTrust) })
        let root = try X509.parse(pem: record.rootPEM)
        #expect(page.html.contains(root.fingerprintSHA256))
        #expect(page.html.contains(ConsoleBrowser.escaped(root.subject)))
        #expect(page.html.contains("openssl verify -CAfile root.pem -untrusted intermediate.pem cert.pem"))
        for brand in CABrand.allCases {
            #expect(page.html.contains(#"href="/cloud/ca/\#(brand.rawValue)/root.pem""#))
            #expect(page.html.contains(#"href="/cloud/ca/\#(brand.rawValue)/intermediate.pem""#))
        }

        let download = browser.get("/cloud/ca/GEOTRUST/intermediate.pem")
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "application/x-pem-file")
        #expect(download.header("Content-Disposition") == #"attachment; filename="geotrust-intermediate.pem""#)
        #expect(download.html == record.intermediatePEM)
        #expect(browser.get("/cloud/ca/NOPE/root.pem").status == 404)
        #expect(browser.get("/cloud/ca/GEOTRUST/key.pem").status == 404)
    }

    @Test func webRootFilesPutAndDelete() throws {
        let browser = try ConsoleBrowser()
        let empty = browser.get("/cloud/web")
        #expect(empty.html.contains(#"value="/.well-known/pki-validation/fileauth.txt""#))

        let saved = try browser.postAndFollow(
            "/cloud/web",
            ["domain": "WWW.Example.com", "path": "/.well-known/pki-validation/fileauth.txt", "content": "tok-123"])
        #expect(saved.html.contains("File saved on the web root of WWW.Example.com."))
        #expect(saved.html.contains("www.example.com"))
        #expect(saved.html.contains("tok-123"))
        #expect(
            try browser.context.database.read {
                try $0.webrootFile(domain: "www.example.com", path: "/.well-known/pki-validation/fileauth.txt")
            }?.content == "tok-123")

        let badPath = browser.post(
            "/cloud/web", ["domain": "www.example.com", "path": "../etc/passwd", "content": "x"])
        #expect(badPath.status == 400)
        #expect(badPath.html.contains(#"<p class="field-error">Path: an absolute path"#))
        let badDomain = browser.post("/cloud/web", ["domain": "not a domain", "path": "/x", "content": "x"])
        #expect(badDomain.status == 400)
        #expect(badDomain.html.contains(#"id="domain" name="domain" value="not a domain""#))

        let deleted = try browser.postAndFollow(
            "/cloud/web/delete", ["domain": "www.example.com", "path": "/.well-known/pki-validation/fileauth.txt"])
        #expect(deleted.html.contains("deleted from the web root of www.example.com."))
        #expect(deleted.html.contains("No files yet."))
        #expect(browser.post("/cloud/web/delete", ["domain": "www.example.com", "path": "/nothing"]).status == 404)
    }
}

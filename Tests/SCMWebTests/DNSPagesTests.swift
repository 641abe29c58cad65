import Foundation
import SCMCore
import Testing

@testable import SCMWeb

/// The DNS simulator's pages (RULES.md §5): zone, record sets, one set per name and type,
/// propagation by TTL, Modify, and the `_dnsauth` deletion rule, each through the real routes.
@Suite struct DNSPagesTests {
    @Test func zoneRecordSetsAddModifyAndRefusals() throws {
        let browser = try ConsoleBrowser()

        let created = try browser.postAndFollow("/cloud/dns/zones", ["zone": "Example.COM."])
        #expect(created.status == 200)
        #expect(created.html.contains("Zone example.com created."))
        let zoneID = try #require(ConsoleBrowser.capture(#"action="/cloud/dns/zones/(\d+)/records""#, in: created.html))

        let sameZone = browser.post("/cloud/dns/zones", ["zone": "example.com"])
        #expect(sameZone.status == 409)
        #expect(sameZone.html.contains("The zone example.com is already hosted here."))

        let badZone = browser.post("/cloud/dns/zones", ["zone": "exa mple"])
        #expect(badZone.status == 400)
        #expect(badZone.html.contains(#"class="field-error""#))
        #expect(badZone.html.contains(#"value="exa mple""#))

        let added = try browser.postAndFollow(
            "/cloud/dns/zones/\(zoneID)/records",
            ["name": "_dnsauth", "type": "TXT", "ttl": "300", "values": "token-one"])
        #expect(added.html.contains("Record set _dnsauth.example.com TXT added."))
        #expect(added.html.contains("_dnsauth.example.com"))
        #expect(added.html.contains(ConsoleBrowser.escaped("\"token-one\"")))
        #expect(added.html.contains("Normal"))
        #expect(added.html.contains("Propagating (TTL 300 s)"))

        browser.clock.advance(by: 300)
        #expect(browser.get("/cloud/dns/zones/\(zoneID)").html.contains("Visible to the CA"))

        // One record set per name and type: the second is refused, the form keeps its values.
        let duplicate = browser.post(
            "/cloud/dns/zones/\(zoneID)/records",
            ["name": "_dnsauth", "type": "TXT", "ttl": "600", "values": "token-two"])
        #expect(duplicate.status == 409)
        #expect(
            duplicate.html.contains(
                "A TXT record set for _dnsauth.example.com already exists: there is one set per name and type. Use Modify to add values to it."
            ))
        #expect(duplicate.html.contains("token-two"))
        #expect(duplicate.html.contains(#"value="600""#))

        let badTTL = browser.post(
            "/cloud/dns/zones/\(zoneID)/records", ["name": "www", "type": "A", "ttl": "x", "values": "1.2.3.4"])
        #expect(badTTL.status == 400)
        #expect(badTTL.html.contains("TTL: a whole number of seconds from 1 (default 300)."))
        #expect(
            badTTL.html.contains(#"id="ttl" name="ttl" value="x" inputmode="numeric" maxlength="10" class="invalid""#))

        // Modify: the edit form holds the current values; the new set has both and propagates again.
        let recordID = try #require(ConsoleBrowser.capture(#"href="/cloud/dns/records/(\d+)/edit""#, in: added.html))
        let edit = browser.get("/cloud/dns/records/\(recordID)/edit")
        #expect(edit.status == 200)
        #expect(edit.html.contains("Modify adds values: put each value on its own line"))
        #expect(edit.html.contains(ConsoleBrowser.escaped("\"token-one\"")))
        let modified = try browser.postAndFollow(
            "/cloud/dns/records/\(recordID)", ["ttl": "120", "values": "\"token-one\"\ntoken-two"])
        #expect(modified.html.contains("Record set _dnsauth.example.com TXT modified."))
        #expect(modified.html.contains(ConsoleBrowser.escaped("\"token-two\"")))
        #expect(modified.html.contains("Propagating (TTL 120 s)"))

        let emptyValues = browser.post("/cloud/dns/records/\(recordID)", ["ttl": "120", "values": "  "])
        #expect(emptyValues.status == 400)
        #expect(emptyValues.html.contains("Value: enter at least one value, one per line."))

        // JSON on request, same endpoint.
        let json = browser.post(
            "/cloud/dns/zones/\(zoneID)/records", ["name": "@", "type": "CAA", "values": "0 issue digicert.com"],
            json: true)
        #expect(json.status == 200)
        #expect(json.html.contains(#""name":"example.com""#))
        #expect(json.html.contains(#""type":"CAA""#))

        let deleted = try browser.postAndFollow("/cloud/dns/records/\(recordID)/delete")
        #expect(deleted.html.contains("Record set _dnsauth.example.com TXT deleted."))
        #expect(browser.get("/cloud/dns/records/\(recordID)/edit").status == 404)

        let zones = browser.get("/cloud/dns")
        #expect(zones.html.contains(#"<a class="mono" href="/cloud/dns/zones/\#(zoneID)">example.com</a>"#))
    }

    @Test func dnsauthRecordProvingACertificateInReviewCannotBeDeleted() throws {
        let browser = try ConsoleBrowser()
        let certificate = try browser.insertCertificate(
            id: "scs1700000000001", domain: "example.com", status: .checking,
            validations: [
                DomainValidation(certificateID: "scs1700000000001", domain: "example.com", method: .dns, token: "abc")
            ])
        let zone = try browser.postAndFollow("/cloud/dns/zones", ["zone": "example.com"])
        let zoneID = try #require(ConsoleBrowser.capture(#"action="/cloud/dns/zones/(\d+)/records""#, in: zone.html))
        let added = try browser.postAndFollow(
            "/cloud/dns/zones/\(zoneID)/records", ["name": "_dnsauth", "type": "TXT", "values": "abc"])
        let recordID = try #require(ConsoleBrowser.capture(#"href="/cloud/dns/records/(\d+)/edit""#, in: added.html))

        let refused = browser.post("/cloud/dns/records/\(recordID)/delete")
        #expect(refused.status == 400)
        #expect(
            refused.html.contains("_dnsauth.example.com proves domain ownership for certificate \(certificate.name)"))
        #expect(refused.html.contains("delete it after the certificate is issued or revoked."))
        #expect(refused.html.contains("_dnsauth.example.com"))  // the zone page again, record still listed

        // Modify may add values or change the TTL, but not drop the proving token.
        let replaced = browser.post("/cloud/dns/records/\(recordID)", ["ttl": "300", "values": "xyz"])
        #expect(replaced.status == 400)
        #expect(
            replaced.html.contains("_dnsauth.example.com proves domain ownership for certificate \(certificate.name)"))
        let kept = browser.post("/cloud/dns/records/\(recordID)", ["ttl": "600", "values": "abc\nxyz"])
        #expect(kept.status == 303)

        let zoneRefused = browser.post("/cloud/dns/zones/\(zoneID)/delete")
        #expect(zoneRefused.status == 400)
        #expect(zoneRefused.html.contains("proves domain ownership"))

        let missing = browser.post("/cloud/dns/records/999999/delete")
        #expect(missing.status == 404)
    }

    @Test func formsWithoutTheCSRFTokenAreRejected() throws {
        let browser = try ConsoleBrowser()
        let forged = browser.send("POST", "/cloud/dns/zones", form: ["zone": "example.com"])
        #expect(forged.status == 403)
        #expect(browser.get("/cloud/dns").html.contains("No zones yet."))
    }
}

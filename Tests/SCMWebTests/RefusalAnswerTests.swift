import Foundation
import SCMCore
import Testing

@testable import SCMWeb

/// The one table from the core's refusals to HTTP statuses and SCM v3 codes (scm-v3.md §2).
struct RefusalAnswerTests {
    @Test(arguments: Refusal.Code.allCases)
    func everyRefusalIsAClientErrorWithAnSCMCode(code: Refusal.Code) {
        let answer = RefusalAnswer(code)
        #expect((400..<500).contains(answer.status), "\(code)")
        #expect(answer.code.range(of: #"^SCM\.\d{4}$"#, options: .regularExpression) != nil, "\(code): \(answer.code)")
    }

    @Test func theCodesOfTheContract() {
        #expect(RefusalAnswer(.notFound) == RefusalAnswer(status: 404))
        #expect(RefusalAnswer(.notFound).code == "SCM.0020")
        #expect(RefusalAnswer(.forbidden) == RefusalAnswer(status: 403))
        #expect(RefusalAnswer(.forbidden).code == "SCM.0003")
        #expect(RefusalAnswer(.emptyTagKey).code == "SCM.0023")
        #expect(RefusalAnswer(.keyMismatch).code == "SCM.0014")
        #expect(RefusalAnswer(.conflict).status == 409)
        #expect(RefusalAnswer(status: 500) == .serverError && RefusalAnswer.serverError.code == "SCM.0500")
        // Several refusals: the gravest status, the first one's code.
        let mixed = RefusalAnswer([Refusal(.invalidInput, "a"), Refusal(.notFound, "b")])
        #expect(mixed.status == 404 && mixed.code == "SCM.0005")
    }

    /// The same refusal reads the same in a page's JSON error, a form post's and the API's.
    @Test func pagesAndTheAPIAnswerFromTheTable() throws {
        let api = try APITests()
        let bought = api.call(
            "POST", "/v3/scm/certificates/buy",
            body:
                #"{"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1, "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": true}"#
        )
        let id = try #require(
            ((bought.json as? [String: Any])?["cert"] as? [[String: Any]])?.first?["cert_id"] as? String)
        let emptyKey = api.call("POST", "/v3/scm/\(id)/tags", body: #"{"tag": {"key": "", "value": "v"}}"#)
        #expect(emptyKey.status == 400)
        #expect((emptyKey.json as? [String: Any])?["error_code"] as? String == "SCM.0023")
        let missingAPI = api.call("GET", "/v3/scm/certificates/scs0000000000000")
        let missingPage = api.browser.send("GET", "/certificates/scs0000000000000", form: nil, json: true)
        let pageBody = try #require(
            try JSONSerialization.jsonObject(with: Data(missingPage.html.utf8)) as? [String: Any])
        #expect(missingAPI.status == missingPage.status)
        #expect((missingAPI.json as? [String: Any])?["error_code"] as? String == pageBody["error_code"] as? String)
    }
}

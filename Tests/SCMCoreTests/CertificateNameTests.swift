import Foundation
import Testing

@testable import SCMCore

@Suite("RULES.md §3: certificate name and description")
struct CertificateNameTests {
    @Test(arguments: ["scm-a1b2c3", "abc", "My_Cert.v2", String(repeating: "x", count: 63), "  web-01  "])
    func goodNames(name: String) {
        #expect(refusal { () throws(Refusal) in try CertificateName.validate(name) } == nil)
    }

    @Test func theTrimmedNameIsReturned() throws {
        #expect(try CertificateName.validate("  web-01 ") == "web-01")
    }

    @Test(arguments: [
        ("ab", "Certificate name: 'ab' is 2 characters; a name must be 3 to 63 characters long."),
        (
            String(repeating: "x", count: 64),
            "Certificate name: '\(String(repeating: "x", count: 64))' is 64 characters; a name must be 3 to 63 characters long."
        ),
        ("my cert", "Certificate name: 'my cert' contains ' '; a name may contain only letters, digits, _, - and ."),
        ("证书一号", "Certificate name: '证书一号' contains '证'; a name may contain only letters, digits, _, - and ."),
        ("cert/1", "Certificate name: 'cert/1' contains '/'; a name may contain only letters, digits, _, - and ."),
        ("", "Certificate name: enter a name of 3 to 63 letters, digits, _, - or ."),
    ])
    func badNames(name: String, message: String) {
        let refused = refusal { () throws(Refusal) in try CertificateName.validate(name) }
        #expect(refused?.code == .invalidInput)
        #expect(refused?.field == "name")
        #expect(refused?.message == message)
    }

    @Test(arguments: [0, 255, 256])
    func descriptionLength(length: Int) {
        let refused = refusal { () throws(Refusal) in
            try CertificateName.validateDescription(String(repeating: "d", count: length))
        }
        if length <= 255 {
            #expect(refused == nil)
        } else {
            #expect(refused?.field == "description")
            #expect(
                refused?.message
                    == "Description: 256 characters is too long; a description can be at most 255 characters.")
        }
    }
}

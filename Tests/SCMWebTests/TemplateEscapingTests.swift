import Foundation
import Mustache
import Testing

@testable import SCMWeb

/// The layout's byte-wise HTML escaping must give exactly what swift-mustache's own HTML escaping
/// gives, for every kind of text a page shows.
@Suite struct TemplateEscapingTests {
    static let samples = [
        "", "plain", "<script>alert('x')</script>", "a & b \"quoted\" 'single'", "&amp; already escaped",
        "名前<b>", "e\u{301}<", "👩‍👩‍👧 <&> 👍🏽", "xn--fsqu00a.example.com", "tab\tnew\nline", "<<<>>>&&&\"\"\"'''",
        String(repeating: "long text without specials ", count: 50),
    ]

    @Test(arguments: samples)
    func sameAsTheLibrarysEscaping(_ text: String) throws {
        UTF8HTMLEscaping.register()
        let library = try MustacheTemplate(string: "{{value}}").render(["value": text])
        let fast = try MustacheTemplate(string: "{{% CONTENT_TYPE: HTML_UTF8 }}{{value}}").render(["value": text])
        #expect(fast == library)
    }

    @Test func layoutSelectsIt() throws {
        let layout = try String(
            contentsOfFile: ConsoleBrowser.repositoryRoot + "/templates/layout.mustache", encoding: .utf8)
        #expect(layout.hasPrefix("{{% CONTENT_TYPE: \(UTF8HTMLEscaping.name) }}"))
    }

    @Test func modelObjectsAnswerTheirFields() {
        struct Model {
            let name: String
            let count: Int
            let nested: [String]
        }
        let object = Templates.renderable(Model(name: "n", count: 2, nested: ["a"])) as? TemplateObject
        #expect(object?.child(named: "name") as? String == "n")
        #expect(object?.child(named: "count") as? Int == 2)
        #expect(object?.child(named: "nested") as? [Any] != nil)
        #expect(object?.child(named: "missing") == nil)
    }
}

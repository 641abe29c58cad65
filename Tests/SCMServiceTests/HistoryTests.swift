import Foundation
import SCMCore
import SCMStore
import Testing

@testable import SCMService

/// The details page's History (issue 5): every action code has a title, the purchase is listed,
/// and refusals are recorded.
@Suite struct HistoryTests {
    /// The action codes written in the service and the CA simulator, read from their source: the
    /// literal codes (`"scm:cert:rename"`, `action: "login"`) and the interpolated families
    /// (`"scm:cert:\(operation.rawValue)"`), whose values this test knows how to list.
    static func writtenActionCodes() throws -> (codes: Set<String>, unknownFamilies: [String]) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let literal = try NSRegularExpression(pattern: #""((?:scm|ca|mail|dns|webroot|cloud|iam|keys|user):(?:[a-z-]+:)*[a-z-]*[a-z])""#)
        let bare = try NSRegularExpression(pattern: #"action: "([a-z-]+)""#)
        let family = try NSRegularExpression(pattern: #""((?:[a-z-]+:)+)\\\(([^)]*)\)""#)
        let ternaryValue = try NSRegularExpression(pattern: #""([a-z-]+)""#)
        let families: [String: [String]] = [
            "operation.rawValue": Certificate.Operation.allCases.map(\.rawValue),
            "kind.rawValue": DeploymentRecord.Kind.allCases.map(\.rawValue),
            // `.none` is a mail without a link; following it is refused before any event.
            "mail.action.rawValue": Mail.Action.allCases.filter { $0 != .none }.map(\.rawValue),
        ]
        var codes = Set<String>(), unknown: [String] = []
        for module in ["SCMService", "SCMCloud"] {
            let directory = root.appendingPathComponent("Sources/\(module)")
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                let range = NSRange(text.startIndex..., in: text)
                func capture(_ match: NSTextCheckingResult, _ group: Int) -> String {
                    String(text[Range(match.range(at: group), in: text)!])
                }
                for match in literal.matches(in: text, range: range) + bare.matches(in: text, range: range) {
                    codes.insert(capture(match, 1))
                }
                for match in family.matches(in: text, range: range) {
                    let prefix = capture(match, 1), expression = capture(match, 2)
                    let values =
                        expression.contains("?")
                        ? ternaryValue.matches(in: expression, range: NSRange(expression.startIndex..., in: expression)).map {
                            String(expression[Range($0.range(at: 1), in: expression)!])
                        }
                        : families[expression]
                    guard let values, !values.isEmpty else {
                        unknown.append("\(file): \"\(prefix)\\(\(expression))\"")
                        continue
                    }
                    codes.formUnion(values.map { prefix + $0 })
                }
            }
        }
        return (codes, unknown)
    }

    @Test func everyActionCodeWrittenHasATitle() throws {
        let (codes, unknown) = try Self.writtenActionCodes()
        #expect(unknown.isEmpty, "action codes built from values this test cannot list: add them to `families`")
        // The scan finds the codes it must: a broken pattern would make this test pass on nothing.
        #expect(codes.isSuperset(of: [
            "scm:cert:buy", "ca:issue", "login", "scm:cert:rename", "mail:confirm-reissue", "scm:cert:push", "iam:access-key:disable",
        ]))
        #expect(codes.subtracting(Event.titles.keys).sorted() == [])
        // A request refused by policy is recorded under its route's permission action.
        #expect(Action.all.map(\.rawValue).filter { Event.titles[$0] == nil } == [])
    }

    @Test func historyListsThePurchaseWithTitlesAndTheRefusedReissue() throws {
        let world = try World()
        let certificate = try world.issued(.dv, domainType: .multiple, quota: 3, domain: "a.example.com", sans: "b.example.com")
        // A multiple-domain certificate is never reissued (RULES.md §3): refused before the form is read.
        #expect(throws: Refusal.self) {
            try world.management.reissue(certificateID: certificate.id, form: World.form("b.example.com"), by: world.user)
        }
        _ = try world.management.rename(certificateID: certificate.id, name: "shop", description: "", by: world.user)
        let details = try CertificateQueries(context: world.context).details(
            id: certificate.id, historyLimit: 50, by: world.user)
        let history = details.history.items.map { "\($0.title)|\($0.resultLabel)" }
        #expect(history.first == "Renamed|Success")
        #expect(history.contains("Reissue submitted|Refused"))
        #expect(history.contains("Issued by the CA|Success"))
        #expect(history.last == "Bought|Success")
        let refusal = try #require(details.history.items.first { $0.action == "scm:cert:reissue" })
        #expect(refusal.result == .refused && refusal.detail.contains("multiple"))
    }

    @Test func historyPagesNewestFirstWithItsTotal() throws {
        let world = try World()
        let certificate = try world.buy()
        for name in ["one", "two", "three", "four"] {
            _ = try world.management.rename(certificateID: certificate.id, name: "shop-\(name)", description: "", by: world.user)
        }
        let queries = CertificateQueries(context: world.context)
        let first = try queries.details(id: certificate.id, historyOffset: 0, historyLimit: 2, by: world.user).history
        #expect(first.total == 5 && first.items.map(\.detail) == ["shop-four", "shop-three"])
        let last = try queries.details(id: certificate.id, historyOffset: 4, historyLimit: 2, by: world.user).history
        #expect(last.items.map(\.title) == ["Bought"])
        let past = try queries.details(id: certificate.id, historyOffset: 6, historyLimit: 2, by: world.user).history
        #expect(past.total == 5 && past.items.isEmpty)
    }

    @Test func aRenewalsHistoryStartsWithItsPurchaseOnTheOriginal() throws {
        let world = try World()
        let original = try world.issued()
        world.clock.set(try #require(original.notAfter) - .days(20))
        let renewal = try world.management.renew(
            certificateID: original.id, choice: .init(of: original, agreed: true), by: world.user)
        let history = try CertificateQueries(context: world.context).details(id: renewal.id, by: world.user).history.items
        #expect(history.map(\.title) == ["Renewal bought"])
        #expect(history.first?.detail == renewal.id)
    }
}

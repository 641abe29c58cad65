import Foundation
import Testing

@testable import SCMWeb

/// The console frame's own CSS: every entry of the left navigation has its icon (a missing
/// `--icon` rule shows a grey square, since the mask falls back to the plain box).
@Suite struct LayoutTests {
    @Test func everyNavigationEntryHasAnIcon() throws {
        let css = try String(contentsOfFile: ConsoleBrowser.repositoryRoot + "/public/css/console.css", encoding: .utf8)
        for item in Layout.navigation(active: "") {
            #expect(css.contains(".nav-\(item.icon) { --icon: url("), "\(item.title) (.nav-\(item.icon)) has no icon")
        }
    }
}

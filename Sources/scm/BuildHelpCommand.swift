import ArgumentParser
import SCMWeb

/// `scm build-help --root DIR`: the Markdown help of DIR/templates/help/ as static HTML in
/// DIR/public/help/, which nginx serves (`try_files $uri $uri.html …`); the app renders the
/// same page when a file is missing.
struct BuildHelp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-help", abstract: "Render the Markdown help pages into static HTML under public/help/.")
    @Option(help: "Project root holding templates/ and public/.")
    var root: String = "."

    func run() throws {
        let site = try HelpSite(templates: try Templates(directory: root + "/templates"))
        let written = try site.write(to: root + "/public/help")
        print("help: \(written) page(s) written to \(root)/public/help")
    }
}

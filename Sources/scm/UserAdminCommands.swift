import ArgumentParser
import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore

/// `scm user disable|enable|reset-password` and `scm audit verify` (issue 8): the same
/// `IAMService` calls as the console's users page, acting as the system principal.
extension UserCommand {
    static func user(named name: String, in context: ServiceContext) throws -> User {
        guard let user = try context.database.read({ try $0.user(named: name) }) else {
            FileHandle.standardError.write(Data("scm: there is no user named \(name)\n".utf8))
            throw ExitCode(1)
        }
        return user
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user; their sessions end at once.")
        @OptionGroup var data: DataOptions
        @Option(help: "User name.")
        var name: String
        @Flag(help: "Enable the user again instead.")
        var enable = false

        func run() throws {
            let context = try data.context()
            let user = try UserCommand.user(named: name, in: context)
            try IAMService(context: context).setDisabled(userID: user.id, !enable, by: .system)
            print("\(enable ? "enabled" : "disabled") user \(user.name)")
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Set a new generated password (printed once); sessions end.")
        @OptionGroup var data: DataOptions
        @Option(help: "User name.")
        var name: String

        func run() throws {
            let context = try data.context()
            let user = try UserCommand.user(named: name, in: context)
            let (_, secret) = try IAMService(context: context).resetPassword(userID: user.id, by: .system)
            print("password of \(user.name) reset")
            print("password: \(secret)")
        }
    }
}

/// `scm audit verify`: walks the audit log's sealed chain (sequence numbers, links, HMACs under
/// `keys/audit.key`, the anchor); exit 1 at the first broken link or when newest events were cut
/// off, 2 without the audit key.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's sealed chain; report the first broken link or cut-off events.")
        @OptionGroup var data: DataOptions

        func run() throws {
            // The database and the audit seal; no master key. A copy is checked with the keys
            // directory it came with: a missing audit key is not made (every seal would fail).
            guard let key = try KeySealer.loadMasterKey(at: data.auditKeyPath) else {
                print(
                    "cannot verify: there is no audit key at \(data.auditKeyPath) (copy the keys directory with the database)"
                )
                throw ExitCode(2)
            }
            let database = try AppDatabase.open(
                path: data.databasePath, auditSeal: AuditSeal(key: key, anchorPath: data.auditAnchorPath))
            switch try database.verifyAuditChain() {
            case .intact(let entries):
                print("ok \(entries) entries")
            case .broken(let id, let reason):
                print("broken at event \(id): \(reason)")
                throw ExitCode(1)
            case .truncated(let entries, let anchored):
                print("truncated: \(AuditVerification.truncationText(entries: entries, anchored: anchored))")
                throw ExitCode(1)
            }
        }
    }
}

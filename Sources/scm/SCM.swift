import ArgumentParser
import Foundation
import Logging
import SCMCloud
import SCMCore
import SCMPKI
import SCMService
import SCMStore
import SCMWeb

/// `scm`: one executable, one subcommand per job (DESIGN.md). Wiring is done here, by hand.
@main
struct SCM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scm",
        abstract: "SSL Certificate Manager: a self-hosted certificate life-cycle console.",
        subcommands: [Serve.self, Migrate.self, Seed.self, UserCommand.self, Tick.self, AuditCommand.self, KeysCommand.self, BuildHelp.self])
}

/// Where the data lives: the SQLite file and the key directory.
struct DataOptions: ParsableArguments {
    @Option(help: "Directory holding scm.sqlite and keys/.")
    var dataDir: String = "var"

    @Option(help: "Shift the clock by this many days (demos and end-to-end tests only).")
    var clockOffsetDays: Double = 0

    @Option(help: "Multiply the CA's nominal review times (0: issue at the next scheduler pass).")
    var reviewScale: Double = ServiceContext.demoReviewScale

    var databasePath: String { dataDir + "/scm.sqlite" }
    var keyFiles: KeyRotation.KeyFiles { KeyRotation.KeyFiles(keysDirectory: dataDir + "/keys") }
    /// The audit log's seal (`AuditSeal`): its own key, not the master key, so `scm keys rotate`
    /// leaves it alone, and the anchor; both outside the database.
    var auditKeyPath: String { dataDir + "/keys/audit.key" }
    var auditAnchorPath: String { dataDir + "/keys/audit.anchor" }

    /// The database with its audit seal, the key made on first use. A missing key is made only
    /// while no anchor exists: with one, events were sealed under the lost key, and a new key
    /// would make every one of them look forged.
    func openDatabase() throws -> AppDatabase {
        let manager = FileManager.default
        if !manager.fileExists(atPath: auditKeyPath), manager.fileExists(atPath: auditAnchorPath) {
            FileHandle.standardError.write(Data(
                "scm: \(auditKeyPath) is missing, but the audit log was sealed under it (\(auditAnchorPath) exists). Restore it from a backup of the keys directory.\n"
                    .utf8))
            throw ExitCode(1)
        }
        let key = try KeySealer.loadOrCreateMasterKey(at: auditKeyPath)
        return try AppDatabase.open(path: databasePath, auditSeal: AuditSeal(key: key, anchorPath: auditAnchorPath))
    }

    /// Before any command uses the master key: a rotation that stopped half-way is finished or
    /// rolled back when the database shows which key it needs; otherwise the command stops with
    /// the reason and what to do, instead of generating or using a key that opens nothing.
    func recoverInterruptedRotation(_ database: AppDatabase) throws {
        do {
            if let done = try KeyRotation.recoverInterruptedRotation(keyFiles, database: database) {
                FileHandle.standardError.write(Data("scm: \(done)\n".utf8))
            }
        } catch let interrupted as KeyRotation.InterruptedRotation {
            FileHandle.standardError.write(Data("scm: \(interrupted.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The master key, made on first use. A missing key is made only for a database that holds
    /// nothing sealed: a new key would open none of its keys, and they would look lost.
    func loadMasterKey(for database: AppDatabase) throws -> [UInt8] {
        if !FileManager.default.fileExists(atPath: keyFiles.current), try database.read({ try $0.anySealedValue() }) != nil {
            FileHandle.standardError.write(
                Data(
                    "scm: \(keyFiles.current) is missing, but the database holds keys sealed under it. Restore it from a backup of the keys directory; a new key would open none of them.\n"
                        .utf8))
            throw ExitCode(1)
        }
        return try KeySealer.loadOrCreateMasterKey(at: keyFiles.current)
    }

    func context(label: String = "scm") throws -> ServiceContext {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["SCM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        guard reviewScale >= 0 else { throw ValidationError("--review-scale must be 0 or more.") }
        let database = try openDatabase()
        // The master key lives beside the database, never in it (RULES.md §7).
        let masterKey = try KeyRotation.withKeysLock(keyFiles) {
            try recoverInterruptedRotation(database)
            return try loadMasterKey(for: database)
        }
        return ServiceContext(
            database: database,
            clock: SystemClock(offset: clockOffsetDays * .day), identifiers: RandomIdentifiers(), logger: logger,
            sealer: try KeySealer(masterKey: masterKey), reviewScale: reviewScale,
            edge: TLSEdge(directory: dataDir + "/edge"))
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the console and API over FastCGI (behind nginx).")

    @OptionGroup var data: DataOptions
    @Option(help: "FastCGI address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:9000"
    @Option(help: "Number of request threads.")
    var threads: Int = 8
    @Option(help: "Project root holding templates/ and public/.")
    var root: String = "."
    @Flag(help: "Mark cookies Secure (when nginx terminates TLS).")
    var secureCookies = false
    @Option(help: "Minutes of inactivity after which a session ends.")
    var sessionIdleMinutes: Double = 120
    @Option(help: "Hours after sign-in after which a session ends however active.")
    var sessionMaxHours: Double = 12
    @Option(help: "Seconds between scheduler passes (CA review, expiry, reminders).")
    var schedulerInterval: Double = 1
    @Flag(help: "Serve requests only: the scheduler runs elsewhere (another host, or `scm tick` from cron).")
    var withoutScheduler = false

    func run() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256.") }
        OpenSSLLibrary.initializeWithoutExitCleanup()
        FastCGIServer.blockShutdownSignals()
        let context = try data.context(label: "scm.serve")
        let templates = try Templates(directory: root + "/templates")
        let app = WebApp(context: context, templates: templates, settings: .init(
                secureCookies: secureCookies, idleTimeout: sessionIdleMinutes * 60, absoluteLifetime: sessionMaxHours * 3600))
        let server = FastCGIServer(
            configuration: .init(address: listen, threadCount: threads), logger: context.logger, handler: app.handle)
        do {
            try server.bind()
        } catch let error as FastCGIServer.ListenError {
            FileHandle.standardError.write(Data("scm: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        try CAService(context: context).ensureAuthorities()
        let deployments = DeploymentService(context: context)
        try deployments.installSeedCertificates()
        deployments.publishEdgeLoggingFailure()
        let scheduler = Scheduler(context: context)
        if !withoutScheduler { scheduler.start(every: schedulerInterval) }
        FileHandle.standardError.write(Data("scm: listening on \(listen) with \(threads) threads\n".utf8))
        server.run(onStop: { scheduler.stop() })
        // Exit only after the scheduler's last pass and with its lease given back: the next
        // process, whatever its clock, takes the lease at once.
        scheduler.waitUntilStopped()
        FileHandle.standardError.write(Data("scm: stopped\n".utf8))
        // Everything is committed and every thread of ours has finished: leave without the C
        // library's exit handlers. They free process-wide state (libcrypto, libcurl under
        // URLSession, Foundation's) while a runtime thread may still tear down its thread-local
        // state, which made a clean SIGTERM end in SIGSEGV once in a few dozen stops on CI.
        fflush(nil)
        _exit(0)
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database.")
    @OptionGroup var data: DataOptions
    func run() throws {
        _ = try data.context()
        print("database ready: \(data.databasePath)")
    }
}

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add realistic demo certificates covering every status and type.")
    @OptionGroup var data: DataOptions
    @Option(help: "How many certificates to add.")
    var count: Int = 60

    func run() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 1000000.") }
        let context = try data.context()
        let owner = try context.database.read { try $0.users().first(where: \.isAdmin)?.id }
        let added = try DemoSeeder(context: context).seed(count: count, ownerID: owner)
        print("added \(added) demo certificates")
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage console users.", subcommands: [Create.self, AccessKeyCommand.self, Disable.self, ResetPassword.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a generated password once.")
        @OptionGroup var data: DataOptions
        @Option(help: "User name.")
        var name: String
        @Flag(help: "Make the user an administrator.")
        var admin = false
        @Option(help: "Password (generated when omitted).")
        var password: String?

        func run() throws {
            let context = try data.context()
            do {
                let (user, secret) = try AuthService(context: context).createUser(name: name, password: password, isAdmin: admin)
                print("created user \(user.name)\(user.isAdmin ? " (administrator)" : "")")
                if password == nil { print("password: \(secret)") }
            } catch let refusal as Refusal {
                FileHandle.standardError.write(Data("scm: \(refusal.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

struct Tick: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scheduler once: CA review steps, expiry, reminders.")
    @OptionGroup var data: DataOptions

    func run() throws {
        let context = try data.context(label: "scm.tick")
        try CAService(context: context).ensureAuthorities()
        let scheduler = Scheduler(context: context)
        defer { scheduler.releaseLease() }  // only if this run took it; a serving host keeps its own
        if let steps = try scheduler.runOnce() {
            print("scheduler: \(steps) step(s)")
        } else {
            print("scheduler: another host holds the lease; nothing done")
        }
    }
}

/// `scm user access-key create --name USER`: an API key pair for a user, the SK printed once.
struct AccessKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-key", abstract: "Manage API access keys (AK/SK).", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an access key; prints the secret key once.")
        @OptionGroup var data: DataOptions
        @Option(help: "The user who will own the key.")
        var name: String

        func run() throws {
            let context = try data.context()
            guard let user = try context.database.read({ try $0.user(named: name) }) else {
                FileHandle.standardError.write(Data("scm: there is no user named \(name).\n".utf8))
                throw ExitCode(1)
            }
            let principal = Principal(userID: user.id, name: user.name, isAdmin: user.isAdmin, remoteAddress: "cli")
            do {
                let created = try AccessKeyService(context: context).create(by: principal)
                print("access key: \(created.key.accessKeyID)")
                print("secret key: \(created.secret)")
            } catch let refusal as Refusal {
                FileHandle.standardError.write(Data("scm: \(refusal.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

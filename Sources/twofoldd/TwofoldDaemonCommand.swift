import ArgumentParser
import Foundation
import Logging
import TwofoldDaemon
import TwofoldSync
import TwofoldVault

/// `twofoldd`: the Twofold daemon for one device home, in the foreground (systemd
/// `Type=notify`). Argument parsing and wiring only; the daemon is `TwofoldDaemon`.
@main
struct TwofoldDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twofoldd",
        abstract: "Sync a Twofold vault in the background: push stream, local changes, snapshots, control socket.",
        discussion: """
            Runs in the foreground until SIGTERM or SIGINT. Under systemd (Type=notify) it sends \
            READY=1 once the store is open, STATUS= lines and watchdog pings. The CLI talks to it \
            over <home>/twofoldd.sock (Protocol/daemon.md).
            """,
        version: "0.1.0")

    @Option(name: .long, help: ArgumentHelp("The device's data directory (default as for twofold).", valueName: "DIR"))
    var home: String?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Lock again after this long unused (900, 15m, 1h).", valueName: "DURATION"))
    var idleTimeout = "15m"

    @Option(name: .customLong("snapshot-interval"), help: ArgumentHelp("Time between snapshots; 0 turns them off.", valueName: "DURATION"))
    var snapshotInterval = "1d"

    @Option(name: .long, help: ArgumentHelp("Snapshots kept: daily,weekly,monthly.", valueName: "D,W,M"))
    var retention = "7,4,12"

    @Option(name: .customLong("backup-interval"), help: ArgumentHelp("Time between backup files in the home's backup-dir setting; 0 turns them off.", valueName: "DURATION"))
    var backupInterval = "1d"

    @Option(name: .customLong("backup-retention"), help: ArgumentHelp("Backup files kept: daily,weekly,monthly.", valueName: "D,W,M"))
    var backupRetention = "7,4,12"

    @Option(name: .customLong("retry-max"), help: ArgumentHelp("Longest wait between retries when the relay is away.", valueName: "DURATION"))
    var retryMax = "60s"

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("How often to look for local writes nobody announced.", valueName: "DURATION"))
    var pollInterval = "2s"

    @Option(name: .customLong("relay-ca"), help: ArgumentHelp("Also trust the CA certificates in this PEM file.", valueName: "FILE"))
    var relayCA: String?

    @Flag(name: .customLong("insecure-relay"), help: "Allow a plain-http relay on a network address.")
    var insecureRelay = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (default notice).")
    var logLevel = "notice"

    func run() async throws {
        ProcessHardening.apply()
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        var options = DaemonOptions(home: VaultHome.resolve(explicit: home))
        options.idleTimeout = try duration(idleTimeout, "--idle-timeout", minimum: .seconds(1))
        options.pollInterval = try duration(pollInterval, "--poll-interval", minimum: .milliseconds(50))
        options.snapshots.interval = try duration(snapshotInterval, "--snapshot-interval", minimum: .zero)
        guard let policy = SnapshotRetention(text: retention) else { throw ValidationError("--retention takes three counts, like 7,4,12") }
        options.snapshots.retention = policy
        options.backups.interval = try duration(backupInterval, "--backup-interval", minimum: .zero)
        guard let backupPolicy = SnapshotRetention(text: backupRetention) else {
            throw ValidationError("--backup-retention takes three counts, like 7,4,12")
        }
        options.backups.retention = backupPolicy
        // A short interval (tests, a cautious user) also looks sooner and more often.
        if options.backups.interval < .seconds(60), options.backups.interval > .zero {
            options.backups.firstDelay = options.backups.interval
            options.backups.tick = options.backups.interval
        }
        options.sync.backoff = Backoff(initial: .milliseconds(250), maximum: try duration(retryMax, "--retry-max", minimum: .milliseconds(250)))
        // `--relay-ca`, else the home's `relay-ca` setting (README, "Settings"), as for twofold.
        if let relayCA {
            options.sync.relayCA = relayCA
        } else {
            do {
                options.sync.relayCA = try HomeConfig.load(home: options.home).relayCA
            } catch {
                throw ValidationError(error.description)
            }
        }
        options.sync.allowInsecureRelay = insecureRelay
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "twofoldd")
        logger.logLevel = level
        do {
            try await DaemonService(options: options, logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("twofoldd: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))\n".utf8))
            throw ExitCode.failure
        }
    }

    private func duration(_ text: String, _ flag: String, minimum: Duration) throws -> Duration {
        guard let value = DurationText.parse(text), value >= minimum else {
            throw ValidationError("\(flag) takes a duration such as 30s, 15m, 24h or 1d")
        }
        return value
    }
}

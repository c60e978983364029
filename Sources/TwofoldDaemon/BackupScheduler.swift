import Foundation
import Logging
import ServiceLifecycle
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// Writes a backup file into the home's `backup-dir` on a schedule, locked or not
/// (Protocol/daemon.md, "Backups"; README, "Backups that outlive the relay").
///
/// A locked daemon cannot open a record, but a backup needs none opened: it is the
/// records as sealed here, sealed again to the recovery key and the passphrase with the
/// grants kept in `backup_holders` (``SyncStore/sealScheduledBackup(relayURL:createdMilliseconds:passphraseParameters:)``).
/// The setting is read on every tick, so `twofold config set backup-dir DIR` takes effect
/// without a restart. Only files the daemon wrote count for the schedule and the
/// retention: a backup written by hand into the same folder is never deleted.
public actor BackupScheduler {
    /// When and what to keep.
    public struct Configuration: Sendable {
        /// Time between backups (default one day; 0 disables scheduled backups).
        public var interval: Duration = .seconds(86_400)
        /// What to keep (the snapshots' policy).
        public var retention = SnapshotRetention()
        /// The wait after start before the first look (a daemon restarted in a loop must
        /// not write a file each time).
        public var firstDelay: Duration = .seconds(30)
        /// Time between looks.
        public var tick: Duration = .seconds(60)

        /// The defaults.
        public init() {}
    }

    private let loop: SyncLoop
    private let keys: KeyKeeper
    private let configuration: Configuration
    private let logger: Logger
    private var lastProblem: String?

    /// A scheduler for `loop`'s store.
    public init(loop: SyncLoop, keys: KeyKeeper, configuration: Configuration, logger: Logger) {
        self.loop = loop
        self.keys = keys
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the schedule until cancelled.
    public func run() async {
        guard configuration.interval > .zero else { return }
        try? await Task.sleep(for: configuration.firstDelay)
        while !Task.isCancelled {
            await tick()
            try? await Task.sleep(for: configuration.tick)
        }
    }

    /// Writes a backup when one is due; returns its path, nil when none was due or possible.
    @discardableResult
    public func tick(now: Date = Date()) async -> String? {
        let store = loop.store
        do {
            guard let directory = try HomeConfig.load(home: store.home).backupDirectory else { return nil }
            guard let state = try store.state(), state.accountState == .ready else { return nil }
            let existing = Self.scheduledFiles(in: directory, account: store.account)
            let intervalMs = UInt64(configuration.interval.components.seconds * 1000
                                    + configuration.interval.components.attoseconds / 1_000_000_000_000_000)
            let nowMs = UInt64(now.timeIntervalSince1970 * 1000)
            if let newest = existing.map(\.created).max(), nowMs < newest + intervalMs { return nil }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw VaultError.storage("the backup folder \(directory) is not there (a drive not mounted?): mount it, or 'twofold config set backup-dir DIR'")
            }
            // With the key at hand, bring the holders up to date first (a rotation, a new passphrase).
            let parameters = await passphraseParameters(account: store.account)
            _ = try? await keys.withVault(touch: false) { try $0.refreshBackupHolders(passphraseParameters: parameters) }
            let sealed = try store.sealScheduledBackup(relayURL: state.relayURL, createdMilliseconds: nowMs,
                                                       passphraseParameters: parameters)
            let path = (directory as NSString).appendingPathComponent(BackupFileName.name(account: store.account, at: now, scheduled: true))
            try SecureFile.write(Data(sealed), to: path)
            let holders = try store.backupHolders().holders
            let opensWith = holders.contains { $0.kind == .passphrase && ($0.parameters != nil || parameters != nil) }
                ? "the recovery words or the account passphrase" : "the recovery words"
            logger.notice("backup written", metadata: ["path": "\(path)", "bytes": "\(sealed.count)", "opens_with": "\(opensWith)"])
            lastProblem = nil
            prune(existing + [(path, nowMs)])
            return path
        } catch {
            let problem = String(describing: error)
            // Once per change of what is wrong, as for relay failures.
            if problem != lastProblem { logger.notice("scheduled backup not written", metadata: ["reason": "\(problem)"]) }
            lastProblem = problem
            return nil
        }
    }

    /// The salt and cost of the account passphrase, which the relay gives anyone; nil when
    /// the account has none known here or the relay does not answer.
    private func passphraseParameters(account: AccountID) async -> PassphraseParameters? {
        guard (try? loop.store.backupHolders().holders.contains { $0.kind == .passphrase && $0.parameters == nil }) == true,
              let session = try? await loop.currentSession() else { return nil }
        return try? await DevicesAPI(client: session.client).passphraseParameters(account: account)
    }

    /// Deletes the daemon's own files the retention no longer keeps, after a new one is stored.
    private func prune(_ files: [(path: String, created: UInt64)]) {
        let keep = configuration.retention.keep(created: files.map(\.created))
        for (index, file) in files.enumerated() where !keep.contains(index) {
            if unlink(file.path) == 0 { logger.info("old backup deleted", metadata: ["path": "\(file.path)"]) }
        }
    }

    /// The backups of `account` the daemon wrote in `directory`, with their times.
    static func scheduledFiles(in directory: String, account: AccountID) -> [(path: String, created: UInt64)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard let parsed = BackupFileName.parse(name), parsed.scheduled, parsed.account == String(account.hex.prefix(8)) else { return nil }
            return ((directory as NSString).appendingPathComponent(name), parsed.createdMilliseconds)
        }
    }
}

/// Runs a ``BackupScheduler`` as a service.
public struct BackupService: Service {
    private let scheduler: BackupScheduler

    /// Runs `scheduler`.
    public init(scheduler: BackupScheduler) { self.scheduler = scheduler }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [scheduler] in await scheduler.run() }
    }
}

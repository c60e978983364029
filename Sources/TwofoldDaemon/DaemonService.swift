import Foundation
import SystemdNotify
import Logging
import ServiceLifecycle
import TwofoldSync
import TwofoldVault

/// `twofoldd`, assembled (Protocol/daemon.md): the store opened locked, the unlock-key
/// keeper, the sync loop with its push stream and local-change watcher, the snapshot
/// scheduler, the control socket and the systemd watchdog, run as one ServiceLifecycle
/// group that shuts down gracefully on SIGTERM and SIGINT.
public final class DaemonService: Sendable {
    /// The options in force.
    public let options: DaemonOptions
    /// The vault's key keeper.
    public let keys: KeyKeeper
    /// The sync loop.
    public let loop: SyncLoop
    /// The snapshot scheduler.
    public let snapshots: SnapshotScheduler
    /// The backup-file scheduler.
    public let backups: BackupScheduler
    let notifier: SystemdNotifier
    let logger: Logger
    let startedMilliseconds: UInt64
    private let lock: DaemonLock

    /// Takes the home's daemon lock and opens its store (locked; a `--no-passphrase` vault
    /// is unlocked with its key file). Throws when another daemon serves the home or the
    /// store cannot be opened.
    public init(options: DaemonOptions, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) throws {
        self.options = options
        self.logger = logger
        self.notifier = notifier
        startedMilliseconds = SyncLoop.nowMilliseconds()
        let store = try SyncStore.open(home: options.home)
        lock = try DaemonLock(home: options.home)
        keys = KeyKeeper(home: options.home, idleTimeout: options.idleTimeout)
        loop = SyncLoop(store: store, keys: keys, configuration: options.sync, logger: logger)
        snapshots = SnapshotScheduler(loop: loop, keys: keys, configuration: options.snapshots, logger: logger)
        backups = BackupScheduler(loop: loop, keys: keys, configuration: options.backups, logger: logger)
    }

    /// Runs until SIGTERM or SIGINT; returns after a clean shutdown.
    public func run() async throws {
        try await keys.unlockWithKeyFile()
        let socketPath = ControlSocketPath.resolve(home: options.home)
        try ControlSocketPath.prepareDirectory(for: socketPath, home: options.home)
        let socket = try ControlSocket(path: socketPath, handler: self, logger: logger)
        let notifier = self.notifier
        await loop.observe { status in notifier.status(Self.statusLine(status)) }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: socket, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: SyncLoopService(loop: loop), successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: PushSubscription(loop: loop, logger: logger), successTerminationBehavior: .ignore),
            .init(service: LocalChangeWatcher(loop: loop, interval: options.pollInterval), successTerminationBehavior: .ignore),
            .init(service: SnapshotService(scheduler: snapshots), successTerminationBehavior: .ignore),
            .init(service: BackupService(scheduler: backups), successTerminationBehavior: .ignore),
            .init(service: Watchdog(loop: loop, notifier: notifier), successTerminationBehavior: .ignore),
        ]
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: configuration)
        let locked = await keys.isLocked
        notifier.ready(status: "serving \(options.home.path)\(locked ? " (locked)" : "")")
        logger.notice("twofoldd ready", metadata: ["home": "\(options.home.path)", "socket": "\(socketPath)", "pid": "\(getpid())"])
        let loop = self.loop
        let trim = Task {
            // After the first rounds and the push stream are up, the start-up code is done with;
            // later, after each burst of syncing, once the daemon has been idle for a minute.
            try? await Task.sleep(for: .seconds(3))
            StartupPages.release()
            var trimmedAt = await loop.currentStatus.rounds
            var lastSeen = trimmedAt
            var lastChange = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                let rounds = await loop.currentStatus.rounds
                if rounds != lastSeen {
                    lastSeen = rounds
                    lastChange = .now
                } else if rounds != trimmedAt, ContinuousClock.now - lastChange >= .seconds(60) {
                    StartupPages.release()
                    trimmedAt = rounds
                }
            }
        }
        defer { trim.cancel() }
        try await group.run()
        notifier.stopping()
        await loop.shutdown()
        await keys.lock()
        logger.notice("twofoldd stopped")
    }

    /// One line for systemd's STATUS=.
    static func statusLine(_ status: SyncLoop.Status) -> String {
        var parts: [String] = []
        parts.append(status.relay == nil ? "local vault" : status.pushConnected ? "connected" : "relay away")
        if status.syncing { parts.append("syncing") }
        if let error = status.lastErrorCode { parts.append("last error: \(error)") }
        parts.append("\(status.rounds) rounds")
        return parts.joined(separator: "; ")
    }
}

/// The sync loop as a service: on graceful shutdown it finishes the round in progress
/// and stops.
struct SyncLoopService: Service {
    let loop: SyncLoop

    func run() async throws {
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: { [loop] in
            Task { await loop.stop() }
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// Takes sealed whole-vault snapshots on a schedule and keeps the relay's set within the
/// retention policy (Protocol/sync.md, "Snapshots"; Protocol/daemon.md, "Snapshots").
///
/// A snapshot needs `VK`: a locked daemon defers a due snapshot until the vault is
/// unlocked. When one is due is measured from the newest snapshot on the relay (any
/// device's), so two daemons of one account do not both take one a day.
public actor SnapshotScheduler {
    /// When and what to keep.
    public struct Configuration: Sendable {
        /// Time between snapshots (default one day; 0 disables scheduled snapshots).
        public var interval: Duration = .seconds(86_400)
        /// What to keep.
        public var retention = SnapshotRetention()

        /// The defaults.
        public init() {}
    }

    /// What the scheduler last did, for `op: status`.
    public struct Status: Sendable, Equatable {
        /// Creation time of the newest snapshot known, Unix milliseconds.
        public var lastMilliseconds: UInt64?
        /// When the next one is due, Unix milliseconds.
        public var nextMilliseconds: UInt64?
        /// The last failure.
        public var lastError: String?
    }

    private let loop: SyncLoop
    private let keys: KeyKeeper
    private let configuration: Configuration
    private let logger: Logger
    private var status = Status()
    private var newestKnown: UInt64?
    private var listed = false

    /// A scheduler uploading through `loop`'s session with `keys`' vault.
    public init(loop: SyncLoop, keys: KeyKeeper, configuration: Configuration, logger: Logger) {
        self.loop = loop
        self.keys = keys
        self.configuration = configuration
        self.logger = logger
    }

    /// The current status.
    public var currentStatus: Status { status }

    /// Takes a snapshot now, uploads it, then applies retention. Throws when locked, not
    /// attached, or the relay refuses.
    public func takeNow(manual: Bool = true) async throws -> (info: SnapshotsAPI.Info, deleted: Int) {
        guard let session = try await loop.currentSession() else { throw SyncError.refused(.notAttached) }
        let id = manual ? SnapshotID.randomManual() : SnapshotID.random()
        let created = SyncLoop.nowMilliseconds()
        guard let sealed = try await keys.withVault(touch: false, { try $0.sealSnapshot(id: id, createdMilliseconds: created) }) else {
            throw DaemonError.refused(code: "locked", message: "the vault is locked: run 'twofold unlock' first")
        }
        let api = SnapshotsAPI(session: session)
        let info = try await api.upload(sealed)
        if !manual { newestKnown = max(newestKnown ?? 0, created) }
        status.lastMilliseconds = newestKnown
        status.lastError = nil
        // [SYN-18]: only now that the replacement is stored may older ones go.
        let deleted = try await prune(api)
        logger.info("snapshot taken", metadata: ["id": "\(id.hex)", "bytes": "\(info.size)", "deleted": "\(deleted)"])
        return (info, deleted)
    }

    private func prune(_ api: SnapshotsAPI) async throws -> Int {
        let all = try await api.list()
        let keep = configuration.retention.keep(created: all.map(\.createdMilliseconds), manual: all.map(\.id.isManual))
        var deleted = 0
        for (index, info) in all.enumerated() where !keep.contains(index) {
            try await api.delete(info.id)
            deleted += 1
        }
        return deleted
    }

    /// Runs the schedule until cancelled.
    public func run() async {
        guard configuration.interval > .zero else { return }
        let intervalMs = UInt64(configuration.interval.components.seconds * 1000)
        // Not at once: a daemon restarted in a loop must not take a snapshot each time it starts.
        try? await Task.sleep(for: .seconds(30))
        while !Task.isCancelled {
            await tick(intervalMs: intervalMs)
            try? await Task.sleep(for: .seconds(60))
        }
    }

    private func tick(intervalMs: UInt64) async {
        do {
            guard let session = try await loop.currentSession() else { return }
            if !listed {
                let all = try await SnapshotsAPI(session: session).list()
                // Only scheduled snapshots set the schedule: one taken by hand does not
                // stand in for the daily one.
                newestKnown = all.filter { !$0.id.isManual }.map(\.createdMilliseconds).max()
                listed = true
                // A retention policy that would delete snapshots says so first, at start,
                // a whole interval before the next scheduled snapshot applies it.
                let r = configuration.retention
                let keep = r.keep(created: all.map(\.createdMilliseconds), manual: all.map(\.id.isManual))
                if keep.count < all.count {
                    logger.warning("the snapshot retention will delete snapshots", metadata: [
                        "retention": "\(r.daily),\(r.weekly),\(r.monthly), \(r.manual) by hand",
                        "to_delete": "\(all.count - keep.count)", "of": "\(all.count)",
                        "when": "after the next scheduled snapshot is stored",
                    ])
                }
            }
            let due = (newestKnown ?? 0) + intervalMs
            status.lastMilliseconds = newestKnown
            status.nextMilliseconds = due
            guard SyncLoop.nowMilliseconds() >= due, await !keys.isLocked else { return }
            _ = try await takeNow(manual: false)
            status.nextMilliseconds = (newestKnown ?? 0) + intervalMs
        } catch {
            status.lastError = String(describing: error)
            logger.info("scheduled snapshot failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Runs a ``SnapshotScheduler`` as a service.
public struct SnapshotService: Service {
    private let scheduler: SnapshotScheduler

    /// Runs `scheduler`.
    public init(scheduler: SnapshotScheduler) { self.scheduler = scheduler }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [scheduler] in await scheduler.run() }
    }
}

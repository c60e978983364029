import ServiceLifecycle
import TwofoldVault

/// Catches local writes the daemon was not told about (Protocol/daemon.md, "Local
/// changes"): the CLI nudges the daemon after every command, but a write made by an old
/// CLI, by a CLI that raced the daemon's start, or while the daemon was not listening is
/// found by polling SQLite's `PRAGMA data_version`, which changes only when another
/// connection commits. A change asks the ``SyncLoop`` to look at the outbox.
public struct LocalChangeWatcher: Service {
    private let loop: SyncLoop
    private let interval: Duration

    /// Polls every `interval` (one PRAGMA on an open connection: microseconds).
    public init(loop: SyncLoop, interval: Duration = .seconds(2)) {
        self.loop = loop
        self.interval = interval
    }

    /// Runs until cancelled.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [loop, interval] in
            var last = try? loop.store.dataVersion()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let version = try? loop.store.dataVersion() else { continue }
                if version != last {
                    last = version
                    await loop.localChanged()
                }
            }
        }
    }
}

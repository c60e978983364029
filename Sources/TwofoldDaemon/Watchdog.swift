import ServiceLifecycle
import SystemdNotify

/// Pings systemd's watchdog (`WATCHDOG=1`) at half its interval, but only after the
/// ``SyncLoop`` actor has answered: a daemon whose loop is stuck stops pinging and
/// systemd restarts it (Protocol/daemon.md, "systemd").
public struct Watchdog: Service {
    private let loop: SyncLoop
    private let notifier: SystemdNotifier

    /// Pings `notifier` for `loop`.
    public init(loop: SyncLoop, notifier: SystemdNotifier) {
        self.loop = loop
        self.notifier = notifier
    }

    /// Runs until cancelled; returns at once when no watchdog is configured.
    public func run() async throws {
        guard let interval = notifier.watchdogInterval else {
            // Nothing to do, but stay in the group until shutdown.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown { [loop, notifier] in
            while !Task.isCancelled {
                if await loop.heartbeat() { notifier.watchdog() }
                try? await Task.sleep(for: interval / 2)
            }
        }
    }
}

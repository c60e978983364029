import TwofoldVault

/// Everything `twofoldd` is configured with (its flags; Protocol/daemon.md, "Running").
public struct DaemonOptions: Sendable {
    /// The device home served.
    public var home: VaultHome
    /// How long `twofold unlock` keeps the key without use (default 15 minutes).
    public var idleTimeout: Duration = .seconds(900)
    /// How often `PRAGMA data_version` is polled for local writes nobody announced.
    public var pollInterval: Duration = .seconds(2)
    /// The sync loop's relay options and retry policy.
    public var sync = SyncLoop.Configuration()
    /// Snapshot schedule and retention.
    public var snapshots = SnapshotScheduler.Configuration()
    /// Backup-file schedule and retention (into the home's `backup-dir`).
    public var backups = BackupScheduler.Configuration()
    /// The version reported on the control socket.
    public var version = "0.1.0"

    /// Options for `home` with the defaults.
    public init(home: VaultHome) { self.home = home }
}

/// Reads durations as people write them in flags: `900` (seconds), `30s`, `15m`, `24h`, `7d`, `250ms`.
public enum DurationText {
    /// The duration `text` names, or nil.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64(value * seconds * 1000))
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return .milliseconds(Int64(value * 1000))
    }
}

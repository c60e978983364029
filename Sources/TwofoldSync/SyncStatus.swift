import Foundation
import TwofoldVault

/// What `twofold status` shows (and the daemon serves on its control socket): where this
/// device syncs, how far it got, and what went wrong last.
public struct SyncStatus: Sendable, Equatable {
    /// The relay origin; nil for a local-only vault.
    public var relay: String?
    /// The account id.
    public var accountID: String
    /// This device's id.
    public var deviceID: String
    /// `creating` or `ready`; nil for a local-only vault.
    public var accountState: String?
    /// Last successful sync, Unix milliseconds.
    public var lastSync: UInt64?
    /// Records waiting in the outbox.
    public var pending: Int
    /// The last failure, one line.
    public var lastError: String?
    /// True when a daemon answers on this home's control socket.
    public var daemon: Bool
    /// True when the vault key is not available without a passphrase.
    public var locked: Bool
    /// Relay clock minus local clock, milliseconds, as last measured (less any step of the
    /// wall clock since: ``ClockReading/current(at:)``).
    public var clockOffsetMilliseconds: Int64?
    /// ± milliseconds of that offset; nil when unknown (a vault synced before `clock.json`).
    public var clockUncertaintyMilliseconds: Int64?
    /// When it was measured, Unix milliseconds (this computer's clock); nil when unknown.
    public var clockMeasuredMilliseconds: Int64?
    /// How long ago it was measured, milliseconds; nil when unknown.
    public var clockAgeMilliseconds: Int64?
    /// The epoch of a key rotation started here and not yet resolved ('twofold sync' finishes it).
    public var pendingRotation: UInt32?

    /// Reads the status of the vault in `store`'s home, without unlocking it.
    public static func read(_ store: SyncStore) throws(VaultError) -> SyncStatus {
        let state = try store.state()
        let locked: Bool
        if case .keyFile = store.metadata.protection { locked = false } else { locked = true }
        var status = SyncStatus(
            relay: state?.relayURL, accountID: store.account.hex, deviceID: store.device.hex,
            accountState: state?.accountState.rawValue, lastSync: state?.lastSyncMilliseconds,
            pending: state == nil ? 0 : try store.pendingCount(), lastError: state?.lastError,
            daemon: DaemonSocket.isAnswering(home: store.home), locked: locked,
            clockOffsetMilliseconds: state?.clockOffsetMilliseconds)
        status.pendingRotation = try store.pendingRotationEpoch()
        // The finer record of `<home>/clock.json`, when it is of this relay (Protocol/sync.md, "Clock offset").
        if let relay = state?.relayURL, let reading = ClockReading.load(home: store.home), reading.relay == relay {
            let now = SystemClock.now()
            let current = reading.current(at: now)
            status.clockOffsetMilliseconds = current.offsetMs
            status.clockUncertaintyMilliseconds = current.uncertaintyMs
            status.clockMeasuredMilliseconds = reading.clock.wallMs
            status.clockAgeMilliseconds = current.ageMs
        }
        return status
    }
}

/// Where the daemon's control socket lives in a device home (DESIGN.md, "The daemon and
/// the CLI": a Unix socket, mode 0600).
public enum DaemonSocket {
    /// `<home>/twofoldd.sock`.
    public static func path(home: VaultHome) -> String { home.path + "/twofoldd.sock" }

    /// True when something accepts connections on the socket.
    public static func isAnswering(home: VaultHome) -> Bool {
        let path = path(home: home)
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}

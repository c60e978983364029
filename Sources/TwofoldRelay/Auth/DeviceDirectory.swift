import Foundation
import TwofoldProtocol

/// Every device's status in this replica's memory, so the check on every request costs no
/// store round trip (Protocol/relay-api.md, "Device status") [API-12].
///
/// Kept current by this process's own writes at once, and by a full reload from the store
/// every few seconds for changes made elsewhere (the admin command, another replica).
/// A device it does not know is looked up in the store once.
public final class DeviceDirectory: @unchecked Sendable {
    /// What the directory says about a device.
    public enum Standing: Sendable, Equatable {
        /// Active in the account.
        case active
        /// Revoked.
        case revoked
        /// Its account was deleted.
        case accountDeleted
        /// Its account is suspended by the admin (`accounts disable`).
        case accountDisabled
        /// Not known here (look it up in the store).
        case unknown
    }

    private let lock = NSLock()
    private var devices: [DeviceID: (account: AccountID, status: DeviceStatus)] = [:]
    private var deleted = Set<AccountID>()
    private var disabled = Set<AccountID>()
    private let onLoad: @Sendable () -> Void

    /// An empty directory; `onLoad` runs after every full reload (the relay drops what it
    /// cached from the store then).
    public init(onLoad: @escaping @Sendable () -> Void = {}) {
        self.onLoad = onLoad
    }

    /// Replaces everything with a store snapshot, except that a revocation or deletion this
    /// directory already knows is kept: both are final, and a snapshot read just before a
    /// rotation committed may be loaded just after the route (or a replica's notification)
    /// marked the device revoked — it must not bring the device back [API-12].
    /// Suspension is not final: the snapshot's set replaces the old one.
    ///
    /// Returns the accounts deleted or suspended since the last load, whose push streams
    /// the caller closes (the admin command changes the store, not this process).
    @discardableResult
    public func load(_ snapshot: DeviceDirectorySnapshot) -> Set<AccountID> {
        lock.lock()
        var merged = snapshot.devices
        for (id, entry) in devices where entry.status == .revoked { merged[id] = entry }
        devices = merged
        let closed = snapshot.deletedAccounts.subtracting(deleted).union(snapshot.disabledAccounts.subtracting(disabled))
        deleted = deleted.union(snapshot.deletedAccounts)
        disabled = snapshot.disabledAccounts
        lock.unlock()
        onLoad()
        return closed
    }

    /// The standing of `device` in `account`.
    public func standing(device: DeviceID, account: AccountID) -> Standing {
        lock.lock()
        defer { lock.unlock() }
        if deleted.contains(account) { return .accountDeleted }
        if disabled.contains(account) { return .accountDisabled }
        guard let entry = devices[device] else { return .unknown }
        guard entry.account == account else { return .revoked }
        return entry.status == .active ? .active : .revoked
    }

    /// Records a device (created, linked, recovered, or found in the store).
    public func set(device: DeviceID, account: AccountID, status: DeviceStatus) {
        lock.lock()
        devices[device] = (account, status)
        lock.unlock()
    }

    /// Marks devices revoked (after a rotation commits).
    public func revoke(_ ids: [DeviceID]) {
        lock.lock()
        for id in ids { devices[id]?.status = .revoked }
        lock.unlock()
    }

    /// Forgets an account's devices and remembers it as deleted.
    public func deleteAccount(_ account: AccountID) {
        lock.lock()
        devices = devices.filter { $0.value.account != account }
        deleted.insert(account)
        lock.unlock()
    }
}

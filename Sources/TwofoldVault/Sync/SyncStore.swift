import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// A vault as the sync engine sees it: sealed records, the relay mirror, the outbox and
/// the sync state, with no vault key needed (DESIGN.md, "Local at rest": a locked daemon
/// moves and merges ciphertext by its authenticated metadata).
///
/// Every method is one SQLite transaction. The type is `Sendable`: GRDB's queue serialises
/// access, and it holds no secret but the device's signing key, read on demand.
public final class SyncStore: @unchecked Sendable {
    let store: VaultStore
    /// The device home.
    public let home: VaultHome
    /// The account, this device, and where keys stand.
    public let metadata: VaultMetadata

    init(store: VaultStore, home: VaultHome, metadata: VaultMetadata) {
        self.store = store
        self.home = home
        self.metadata = metadata
    }

    /// Opens the vault in `home` without unlocking it. Applies pending migrations.
    public static func open(home: VaultHome) throws(VaultError) -> SyncStore {
        let store = try VaultStore.open(home: home)
        let metadata = try store.read { try VaultStore.fetchMetadata($0) }
        return SyncStore(store: store, home: home, metadata: metadata)
    }

    /// One transaction that keeps the caller's own error types: `VaultStore` turns every
    /// non-SQLite error into ``VaultError/storage(_:)``, which would hide a refused head.
    func transaction<T>(write: Bool, _ body: (Database) throws -> T) throws -> T {
        var original: (any Error)?
        let guarded: (Database) throws -> T = { db in
            do { return try body(db) } catch let error as DatabaseError { throw error } catch {
                original = error
                throw error
            }
        }
        do {
            return write ? try store.write(guarded) : try store.read(guarded)
        } catch {
            if let original { throw original }
            throw error
        }
    }

    /// The account (vault) id.
    public var account: AccountID { metadata.account }
    /// This device's id.
    public var device: DeviceID { metadata.device }

    /// The sync state; nil for a vault that was never attached to a relay.
    public func state() throws(VaultError) -> SyncState? {
        try store.read { try VaultStore.fetchSyncState($0) }
    }

    /// The sync state, or ``SyncRefusal/notAttached``.
    public func requireState() throws -> SyncState {
        guard let state = try state() else { throw SyncRefusal.notAttached }
        return state
    }

    /// The device's Ed25519 key pair: signs relay challenges and heads (Protocol/devices.md).
    public func signingKey() throws -> Ed25519KeyPair {
        guard let row = try store.read({ try VaultStore.fetchDeviceKeys($0) }) else { throw SyncRefusal.notAttached }
        do {
            return try Ed25519KeyPair(secretKey: SecureBytes(row.signSecret))
        } catch {
            throw VaultError.storage("the stored device signing key is malformed")
        }
    }

    /// The device's public keys (`sign_key`, `box_key`).
    public func devicePublicKeys() throws -> (sign: [UInt8], box: [UInt8]) {
        guard let row = try store.read({ try VaultStore.fetchDeviceKeys($0) }) else { throw SyncRefusal.notAttached }
        return (try signingKey().publicKey, row.boxPublic)
    }

    /// The cached relay access token and its expiry (Unix ms), if any.
    public func accessToken() throws(VaultError) -> (text: String, expiresAt: UInt64)? {
        try store.read { try VaultStore.fetchAccessToken($0) }
    }

    /// Caches (or with nil forgets) the relay access token.
    public func storeAccessToken(_ token: (text: String, expiresAt: UInt64)?) throws(VaultError) {
        try store.write { try VaultStore.storeAccessToken(token, $0) }
    }

    /// The epoch a key rotation started here moves to, while it is not resolved
    /// (Protocol/devices.md, "Interrupted"); read without the vault key.
    public func pendingRotationEpoch() throws(VaultError) -> UInt32? {
        try store.read { db in try Int64.fetchOne(db, sql: "SELECT to_epoch FROM pending_rotation").map { UInt32($0) } }
    }

    /// How many records wait in the outbox.
    public func pendingCount() throws(VaultError) -> Int {
        try store.read { try VaultStore.outboxCount($0) }
    }

    /// Points the vault at another relay origin (the same account moved, or a new address).
    public func setRelayURL(_ url: String) throws(VaultError) {
        try store.write { try VaultStore.updateRelayURL(url, $0) }
    }

    /// Records how a sync round ended: its time on success, the one-line error on failure,
    /// and the clock offset measured on the way.
    public func recordOutcome(syncedAt: UInt64?, error: String?, clockOffset: Int64?) throws(VaultError) {
        try store.write { try VaultStore.recordOutcome(syncedAt: syncedAt, error: error, clockOffset: clockOffset, $0) }
    }

    /// The relay's record set as this device mirrors it.
    public func relaySet() throws(VaultError) -> [RecordHeader] {
        try store.read { db in try VaultStore.fetchRelayHeaders(account: metadata.account, db).values.map(\.header) }
    }

    /// Every local record's header (tombstones included), for comparing replicas.
    public func localHeaders() throws(VaultError) -> [RecordHeader] {
        try store.read { db in
            var out: [RecordHeader] = []
            for kind in RecordKind.allCases {
                try VaultStore.forEachRecord(kind: kind, account: metadata.account, db) { out.append($0.header) }
            }
            return out
        }
    }
}

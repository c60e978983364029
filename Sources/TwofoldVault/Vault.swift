import Foundation
import GRDB
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol

/// An unlocked vault: the store plus this device's vault keys, and the only operations
/// that change tokens (DESIGN.md, TwofoldVault).
///
/// Every change is one SQLite transaction that re-reads what it depends on, so two
/// processes writing at once cannot lose an update or reuse an HOTP counter.
public final class Vault {
    let store: VaultStore
    /// The home the vault lives in.
    public let home: VaultHome
    /// Vault keys by epoch, in guarded memory. Grows when the account rotates.
    var keys: [UInt32: SecureBytes]
    /// The local key-encryption key (``unlockKey(home:passphrase:)``): wraps the `VK` of
    /// an epoch this device learns after unlocking (a rotation, Protocol/devices.md).
    var unlockKey: SecureBytes
    /// Vault-wide state as of unlocking; the clock is re-read inside each write.
    public internal(set) var metadata: VaultMetadata
    /// The wall clock in Unix milliseconds; tests replace it.
    public var now: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }

    init(store: VaultStore, home: VaultHome, keys: [UInt32: SecureBytes], unlockKey: SecureBytes, metadata: VaultMetadata) {
        self.store = store
        self.home = home
        self.keys = keys
        self.unlockKey = unlockKey
        self.metadata = metadata
    }

    /// The account (vault) id.
    public var account: AccountID { metadata.account }
    /// This device's id.
    public var device: DeviceID { metadata.device }

    /// The key that seals new records.
    var currentKey: SecureBytes {
        guard let key = keys[metadata.currentEpoch] else {
            preconditionFailure("unlock guarantees the current epoch's key")
        }
        return key
    }

    /// Opens a record with the key of its epoch.
    func open(_ record: SealedRecord) throws(VaultError) -> [UInt8] {
        guard let key = keys[record.header.epoch] else {
            throw .corruptRecord(id: record.header.id.hex, reason: "sealed under epoch \(record.header.epoch), whose key this device does not hold")
        }
        do {
            return try RecordCipher.open(record, key: key)
        } catch {
            throw .corruptRecord(id: record.header.id.hex, reason: error.description)
        }
    }

    /// Seals `payload` as a new version of record `id`, ticking the clock inside `db`'s
    /// transaction, under the epoch the store is at *now*: another process (the CLI
    /// rotating the account while the daemon holds this vault open) may have moved it on,
    /// and the relay takes writes only at the account's epoch (Protocol/devices.md,
    /// "Following a rotation").
    func seal(payload: [UInt8], id: RecordID, kind: RecordKind, deleted: Bool, clock: inout HybridLogicalClock,
              _ db: Database) throws -> SealedRecord {
        try catchUpWithStore(db)
        let header = RecordHeader(
            account: metadata.account, id: id, kind: kind,
            version: RecordVersion(hlc: clock.tick(nowMilliseconds: now()), device: metadata.device),
            epoch: metadata.currentEpoch, deleted: deleted)
        do {
            return try RecordCipher.seal(payload: payload, header: header, key: currentKey)
        } catch {
            throw VaultError.storage("sealing failed: \(error.description)")
        }
    }

    /// Takes the epoch and vault keys another process stored since this vault was opened:
    /// each new wrapped key is unwrapped with the local key this vault holds.
    func catchUpWithStore(_ db: Database) throws {
        let epoch = try VaultStore.fetchMetadata(db).currentEpoch
        guard epoch != metadata.currentEpoch || keys[epoch] == nil else { return }
        for (stored, wrapped) in try VaultStore.fetchWrappedKeys(db) where keys[stored] == nil {
            keys[stored] = try WrappedVaultKey.unwrap(wrapped, account: metadata.account, epoch: stored, kek: unlockKey)
        }
        guard keys[epoch] != nil else { throw VaultError.storage("the key of the current epoch \(epoch) is missing") }
        metadata.currentEpoch = max(metadata.currentEpoch, epoch)
    }
}

import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// The epoch new records are sealed under.
    public var currentEpoch: UInt32 { metadata.currentEpoch }

    /// Follows a rotation made by another device (Protocol/devices.md, "Revocation and key
    /// rotation": other devices "fetch `GET /v1/grant`, open `VK'` and continue").
    ///
    /// Opens `grant` with this device's X25519 key, checks that it is this account's key
    /// for `epoch` (crypto.md, "Grants"), and installs it (``installEpochKey(_:_:_:)``).
    /// Returns false when the vault already stood at `epoch` or later with that key.
    @discardableResult
    public func adoptEpoch(_ epoch: UInt32, grant: [UInt8]) throws -> Bool {
        let box = try deviceBoxKeyPair()
        let key: SecureBytes
        do {
            key = try Grant.open(grant, account: metadata.account, epoch: epoch, with: box)
        } catch {
            throw SyncRefusal.rotationRefused(
                "the relay's grant for epoch \(epoch) does not open with this device's key (\(error)): nothing was changed; sync again, and restore with the recovery key if it repeats")
        }
        let moved = try syncStore.transaction(write: true) { db in try self.installEpochKey(epoch, key, db) }
        rememberEpochKey(epoch, key)
        return moved
    }

    /// Updates the unlocked vault's keys after a transaction that installed `key` committed.
    func rememberEpochKey(_ epoch: UInt32, _ key: SecureBytes) {
        keys[epoch] = key
        if epoch > metadata.currentEpoch { metadata.currentEpoch = epoch }
    }

    /// The key of `epoch` if this device holds it (older epochs stay while their snapshots
    /// may exist, devices.md, "Snapshots after a rotation").
    public func hasKey(epoch: UInt32) -> Bool { keys[epoch] != nil }

    /// Stores `key` as the `VK` of `epoch`, wrapped by the local key, and moves the vault to
    /// that epoch when it is newer: every outbox record sealed under an older epoch is
    /// re-sealed under the new key at its version, since the relay takes writes only at the
    /// account's epoch (relay-api.md, "Records", `epoch_mismatch`). One transaction with the
    /// caller's. A different key already stored for `epoch` is refused: two keys for one
    /// epoch mean someone is lying about the rotation. The caller calls
    /// ``rememberEpochKey(_:_:)`` once the transaction committed.
    @discardableResult
    func installEpochKey(_ epoch: UInt32, _ key: SecureBytes, _ db: Database) throws -> Bool {
        let stored = try VaultStore.fetchWrappedKeys(db)
        if let wrapped = stored[epoch] {
            let existing = try WrappedVaultKey.unwrap(wrapped, account: metadata.account, epoch: epoch, kek: unlockKey)
            guard existing == key else {
                throw SyncRefusal.rotationRefused(
                    "the relay offers a different key for epoch \(epoch) than the one this device holds: nothing was changed; restore with the recovery key")
            }
        } else {
            let wrapped = try WrappedVaultKey.wrap(key, account: metadata.account, epoch: epoch, kek: unlockKey)
            try VaultStore.replaceWrappedKey(epoch: epoch, wrapped: wrapped, db)
        }
        let current = try VaultStore.fetchMetadata(db).currentEpoch
        guard epoch > current else { return false }
        try db.execute(sql: "UPDATE vault SET current_epoch = ?", arguments: [Int64(epoch)])
        try resealOutbox(to: epoch, key: key, db)
        return true
    }

    /// Re-seals the outbox records of older epochs under `epoch`'s key, each at its version.
    private func resealOutbox(to epoch: UInt32, key: SecureBytes, _ db: Database) throws {
        for write in try VaultStore.fetchOutbox(account: metadata.account, limit: Int.max, db) where write.record.header.epoch < epoch {
            let old = write.record
            let payload = try open(old)
            var header = old.header
            header.epoch = epoch
            do {
                try VaultStore.upsert(try RecordCipher.seal(payload: payload, header: header, key: key), db)
            } catch let error as ProtocolError {
                throw VaultError.storage("re-sealing record \(old.header.id) failed: \(error.description)")
            }
        }
    }
}

import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// This vault's keys, for checking pulled records (Protocol/sync.md, "Applying a pull").
    public var keyring: VaultKeyring { VaultKeyring(account: metadata.account, keys: keys) }

    /// The sync view of this vault (same store, no keys).
    public var syncStore: SyncStore { SyncStore(store: store, home: home, metadata: metadata) }

    /// Attaches this vault to a relay (Protocol/devices.md, "Creating an account", steps 1–3):
    /// makes the device's key pairs and the recovery key, seals the roster (this device and
    /// the recovery keys) into the outbox, and persists all of it with the state `creating`,
    /// in one transaction. The account id is the vault's own, so no record is re-sealed.
    public func attach(relayURL: String, deviceName: String) throws -> AccountDraft {
        let signing = Ed25519KeyPair.generate()
        let box = X25519KeyPair.generate()
        let recovery = RecoveryKey.generate()
        let epoch = metadata.currentEpoch
        let roster: Roster
        do {
            roster = try Roster(recovery: recovery.keyPairs.publicKeys, passphrase: nil, devices: [
                Roster.Device(id: metadata.device, signingKey: signing.publicKey, boxKey: box.publicKey,
                              addedMilliseconds: now(), name: deviceName),
            ], recoveryCheck: recovery.keyPairs.check)
        } catch {
            throw VaultError.invalidToken("the device name is not usable in the roster: \(error)")
        }
        let keyRow = VaultStore.DeviceKeyRow(
            signSecret: signing.secretKey.copyBytes(), boxPublic: box.publicKey,
            boxWrapped: try LocalSecretWrap.wrap(box.secretKey, label: LocalSecretWrap.boxLabel, account: metadata.account,
                                                 device: metadata.device, epoch: epoch, vaultKey: currentKey),
            boxEpoch: epoch)
        let wrappedRecovery = try LocalSecretWrap.wrap(
            recovery.secret, label: LocalSecretWrap.recoveryLabel, account: metadata.account, device: metadata.device,
            epoch: epoch, vaultKey: currentKey)
        try syncStore.transaction(write: true) { db in
            if let state = try VaultStore.fetchSyncState(db) { throw SyncRefusal.alreadyAttached(relay: state.relayURL) }
            try VaultStore.insertDeviceKeys(keyRow, db)
            try VaultStore.insertSyncState(relayURL: relayURL, pendingRecovery: wrappedRecovery, db)
            try self.writeRoster(roster, db)
        }
        return try draft(signing: signing, boxPublicKey: box.publicKey, recovery: recovery)
    }

    /// The draft of an account whose creation was interrupted (state `creating`): the same
    /// ids and keys, so that a retry of `POST /v1/accounts` is recognised (devices.md, "Interrupted").
    public func resumeAccountDraft() throws -> AccountDraft {
        let (row, wrapped) = try store.read { db in (try VaultStore.fetchDeviceKeys(db), try VaultStore.fetchPendingRecovery(db)) }
        guard let row, let wrapped else { throw SyncRefusal.notAttached }
        let secret = try LocalSecretWrap.unwrap(wrapped, label: LocalSecretWrap.recoveryLabel, account: metadata.account,
                                                device: metadata.device, epoch: row.boxEpoch, vaultKey: try key(row.boxEpoch))
        let signing: Ed25519KeyPair
        let recovery: RecoveryKey
        do {
            signing = try Ed25519KeyPair(secretKey: SecureBytes(row.signSecret))
            recovery = try RecoveryKey(secret: secret)
        } catch {
            throw VaultError.storage("the stored device keys are malformed")
        }
        return try draft(signing: signing, boxPublicKey: row.boxPublic, recovery: recovery)
    }

    /// Account creation is complete: the state becomes `ready` and the kept recovery key is
    /// erased ([DEV-1]).
    public func finishAccountCreation() throws(VaultError) {
        try store.write { try VaultStore.markAccountReady($0) }
    }

    /// This device's X25519 key pair, unwrapped with the vault key: opens grants.
    public func deviceBoxKeyPair() throws -> X25519KeyPair {
        guard let row = try store.read({ try VaultStore.fetchDeviceKeys($0) }) else { throw SyncRefusal.notAttached }
        let secret = try LocalSecretWrap.unwrap(row.boxWrapped, label: LocalSecretWrap.boxLabel, account: metadata.account,
                                                device: metadata.device, epoch: row.boxEpoch, vaultKey: try key(row.boxEpoch))
        do { return try X25519KeyPair(secretKey: secret) } catch {
            throw VaultError.storage("the stored device box key is malformed")
        }
    }

    /// The account's roster as this device holds it (the local copy of the roster record).
    public func roster() throws -> Roster? {
        let id = Roster.recordID(account: metadata.account)
        guard let record = try store.read({ try VaultStore.fetchRecord(id: id, account: metadata.account, $0) }) else { return nil }
        return try Roster.open(record, key: try key(record.header.epoch))
    }

    /// Adds this device to the roster as a new version, into the outbox
    /// (Protocol/devices.md, "Restoring", step 6).
    public func joinRoster(name: String) throws {
        guard let roster = try roster() else { throw SyncRefusal.rosterUnavailable("no roster record was pulled") }
        let keys = try syncStore.devicePublicKeys()
        let updated = try roster.adding(Roster.Device(id: metadata.device, signingKey: keys.sign, boxKey: keys.box,
                                                      addedMilliseconds: now(), name: name))
        try store.write { db in try self.writeRoster(updated, db) }
    }

    /// The current `VK` sealed to `boxPublicKey` (Protocol/crypto.md, "Grants"). Callers
    /// pass keys taken from the roster only ([DEV-2]).
    public func sealGrant(to boxPublicKey: [UInt8]) throws -> [UInt8] {
        try Grant.seal(vaultKey: currentKey, account: metadata.account, epoch: metadata.currentEpoch, to: boxPublicKey)
    }

    private func key(_ epoch: UInt32) throws(VaultError) -> SecureBytes {
        guard let key = keys[epoch] else { throw .storage("the vault key of epoch \(epoch) is missing") }
        return key
    }

    func writeRoster(_ roster: Roster, _ db: Database) throws {
        var clock = HybridLogicalClock(last: try VaultStore.fetchMetadata(db).clock)
        let record = try seal(payload: roster.encoded(), id: Roster.recordID(account: metadata.account), kind: .roster,
                              deleted: false, clock: &clock, db)
        try VaultStore.upsert(record, db)
        try VaultStore.updateClock(clock.last, db)
    }

    private func draft(signing: Ed25519KeyPair, boxPublicKey: [UInt8], recovery: RecoveryKey) throws -> AccountDraft {
        let recoveryKeys = recovery.keyPairs.publicKeys
        return AccountDraft(
            account: metadata.account, device: metadata.device, signingKey: signing, boxPublicKey: boxPublicKey,
            recoveryKey: recovery, recoveryPublicKeys: recoveryKeys,
            deviceGrant: try sealGrant(to: boxPublicKey), recoveryGrant: try sealGrant(to: recoveryKeys.boxKey),
            epoch: metadata.currentEpoch)
    }
}

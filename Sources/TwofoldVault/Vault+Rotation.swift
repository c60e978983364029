import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// Prepares a rotation to the next epoch (Protocol/devices.md, "Revocation and key
    /// rotation", steps 2–5) and persists it as pending before returning it ([DEV-13]).
    ///
    /// The caller has just synced: the outbox must be empty, so the local records are the
    /// relay's records and the rotation names each at its stored version. `relayDevices`
    /// is the relay's device list (`GET /v1/account`): an active relay device the roster
    /// does not list is revoked too (a restore that never finished, devices.md,
    /// "Restoring", "Interrupted"), since nothing may be sealed to it ([DEV-2]); a roster
    /// device the relay does not have as active is dropped from the roster.
    ///
    /// Every record is re-sealed under the new key at its version with the new epoch, the
    /// roster included: its new contents win over the old copy because the merge rule
    /// orders equal versions by epoch (sync.md, "Merge rule"), and the relay keeps each
    /// record's version through a rotation.
    public func prepareRotation(_ change: RotationChange, relayDevices: [DeviceID: Bool]) throws -> RotationPlan {
        let signing = try syncStore.signingKey()
        return try syncStore.transaction(write: true) { db in
            if let pending = try Row.fetchOne(db, sql: "SELECT to_epoch FROM pending_rotation") {
                throw SyncRefusal.rotationPending(toEpoch: UInt32(pending[0] as Int64))
            }
            guard let state = try VaultStore.fetchSyncState(db), state.accountState == .ready else { throw SyncRefusal.notAttached }
            let unsynced = try VaultStore.outboxCount(db)
            guard unsynced == 0 else {
                throw SyncRefusal.rotationRefused("\(unsynced) local change(s) are not on the relay yet: run 'twofold sync' and try again")
            }
            guard let head = state.head else {
                throw SyncRefusal.rotationRefused("this device has not seen the account's head yet: run 'twofold sync' and try again")
            }
            let from = try VaultStore.fetchMetadata(db).currentEpoch
            guard head.head.epoch == from else {
                throw SyncRefusal.rotationRefused("the account is at epoch \(head.head.epoch) and this device at \(from): run 'twofold sync' and try again")
            }
            let to = from + 1
            let rosterID = Roster.recordID(account: self.metadata.account)
            guard let rosterRecord = try VaultStore.fetchRecord(id: rosterID, account: self.metadata.account, db) else {
                throw SyncRefusal.rosterUnavailable("no roster record was pulled")
            }
            let roster = try Roster.open(rosterRecord, key: try self.epochKey(rosterRecord.header.epoch))

            // Who stays: roster devices that are active on the relay and not revoked.
            let me = self.metadata.device
            let asked = Set(change.revoke)
            if asked.contains(me) {
                throw SyncRefusal.rotationRefused("this device cannot revoke itself here: revoke it from another device")
            }
            for id in asked where roster.device(id) == nil && relayDevices[id] == nil {
                throw SyncRefusal.rotationRefused("device \(id.hex) is not a device of this account: check 'twofold devices'")
            }
            var revoke = Set(asked.filter { relayDevices[$0] == true })
            for (id, active) in relayDevices where active && roster.device(id) == nil && id != me { revoke.insert(id) }
            let staying = roster.devices.filter { !asked.contains($0.id) && relayDevices[$0.id] == true }
            guard staying.contains(where: { $0.id == me }) else {
                throw SyncRefusal.removedFromRoster
            }
            let passphraseKeys: AccountPublicKeys?
            var passphraseCheck: [UInt8]?
            switch change.passphrase {
            case .keep: (passphraseKeys, passphraseCheck) = (roster.passphrase, roster.passphraseCheck)
            case .remove: (passphraseKeys, passphraseCheck) = (nil, nil)
            case .set(let keys, _, let check): (passphraseKeys, passphraseCheck) = (keys, check)
            }
            // The check values let a restoring device tell this roster from one a relay made
            // ([DEV-11]); a roster written before they existed gets them only with a new recovery key.
            let recoveryCheck = change.newRecovery?.keyPairs.check ?? roster.recoveryCheck
            let newRoster = try Roster(recovery: change.newRecovery?.keyPairs.publicKeys ?? roster.recovery,
                                       passphrase: passphraseKeys, devices: staying, recoveryCheck: recoveryCheck,
                                       passphraseCheck: recoveryCheck == nil ? nil : passphraseCheck)

            // The new key, every record re-sealed under it, and its grants (roster keys only, [DEV-2]).
            let newKey = SecureBytes.random(count: 32)
            var records: [SealedRecord] = []
            var originals: [RecordID: RecordHeader] = [:]
            for kind in RecordKind.allCases {
                try VaultStore.forEachRecord(kind: kind, account: self.metadata.account, db) { record in
                    var header = record.header
                    header.epoch = to
                    let payload = record.header.id == rosterID && kind == .roster ? try newRoster.encoded() : try self.open(record)
                    records.append(try RecordCipher.seal(payload: payload, header: header, key: newKey))
                    originals[record.header.id] = record.header
                }
            }
            var grants: [RotationPlan.GrantEntry] = []
            for device in newRoster.devices {
                grants.append(.init(recipient: device.id.hex,
                                    sealed: try Grant.seal(vaultKey: newKey, account: self.metadata.account, epoch: to, to: device.boxKey)))
            }
            grants.append(.init(recipient: "recovery", sealed: try Grant.seal(
                vaultKey: newKey, account: self.metadata.account, epoch: to, to: newRoster.recovery.boxKey)))
            if let passphraseKeys {
                grants.append(.init(recipient: "passphrase", sealed: try Grant.seal(
                    vaultKey: newKey, account: self.metadata.account, epoch: to, to: passphraseKeys.boxKey)))
            }
            let newHead = Head(account: self.metadata.account, counter: head.head.counter + 1, epoch: to,
                               records: records.map(\.header), signer: me).signed(with: signing)

            // [DEV-13]: persisted before anything is sent.
            try self.insertPending(from: from, to: to, key: newKey, revoke: revoke.sorted(), change: change, db)
            return RotationPlan(fromEpoch: from, toEpoch: to, revoke: revoke.sorted(), records: records, originals: originals,
                                grants: grants, recovery: change.newRecovery?.keyPairs.publicKeys, passphrase: change.passphrase,
                                head: newHead, expectedCounter: head.head.counter, roster: newRoster)
        }
    }

    /// The relay accepted `plan` (200): the vault moves to the new epoch in one
    /// transaction — the new key, the re-sealed records (a record edited locally meanwhile
    /// keeps its edit, re-sealed under the new key), their seqs, the new head and the new
    /// roster's signers — and the pending rotation is cleared.
    public func commitRotation(_ plan: RotationPlan, seq: UInt64, seqs: [RecordID: UInt64]) throws {
        let key = try syncStore.transaction(write: true) { db -> SecureBytes in
            guard let key = try self.pendingKey(expecting: plan.toEpoch, db) else {
                throw SyncRefusal.rotationRefused("the rotation to epoch \(plan.toEpoch) is no longer pending here: run 'twofold sync'")
            }
            for record in plan.records {
                let local = try VaultStore.fetchRecord(id: record.header.id, account: self.metadata.account, db)
                if let local, local.header == plan.originals[record.header.id] { try VaultStore.upsert(record, db) }
                try VaultStore.upsertRelay(record.header, seq: seqs[record.header.id] ?? seq, db)
            }
            try self.installEpochKey(plan.toEpoch, key, db)
            try VaultStore.advance(lastSeq: seq, head: plan.head, db)
            try VaultStore.replaceSigners(plan.roster.signingKeys, db)
            try db.execute(sql: "DELETE FROM pending_rotation")
            return key
        }
        rememberEpochKey(plan.toEpoch, key)
    }

    /// The rotation persisted by an earlier run and not resolved, if any.
    public func pendingRotation() throws -> PendingRotation? {
        try syncStore.transaction(write: false) { db in try self.fetchPending(db) }
    }

    /// Resolves the pending rotation from what the relay says now (devices.md,
    /// "Interrupted"): `epoch` is the account's epoch, and `grant` this device's grant at
    /// it when `epoch` is newer than the vault's (else nil).
    ///
    /// It committed when this device now holds, for the pending `to` epoch, exactly the key
    /// it had prepared: the relay's grant opened to it, or a sync already took it. Otherwise
    /// it did not happen, or another device rotated first; either way the vault takes the
    /// key the relay offers for `epoch`, and the pending rotation is dropped.
    public func resolvePendingRotation(relayEpoch epoch: UInt32, grant: [UInt8]?) throws -> RotationResolution? {
        guard let pending = try pendingRotation() else { return nil }
        var offered: SecureBytes?
        if epoch > metadata.currentEpoch {
            guard let grant else { throw SyncRefusal.rotationRefused("the relay sent no grant for epoch \(epoch): sync again") }
            do {
                offered = try Grant.open(grant, account: metadata.account, epoch: epoch, with: try deviceBoxKeyPair())
            } catch {
                throw SyncRefusal.rotationRefused(
                    "the relay's grant for epoch \(epoch) does not open with this device's key (\(error)): nothing was changed; sync again")
            }
        }
        let committed = try syncStore.transaction(write: true) { db -> Bool in
            let prepared = try self.pendingKey(expecting: pending.toEpoch, db)
            if let offered { try self.installEpochKey(epoch, offered, db) }
            let held = epoch == pending.toEpoch ? offered ?? self.keys[epoch] : self.keys[pending.toEpoch]
            try db.execute(sql: "DELETE FROM pending_rotation")
            guard let prepared, let held else { return false }
            return prepared == held
        }
        if let offered { rememberEpochKey(epoch, offered) }
        return committed ? .committed(newRecovery: pending.change.newRecovery) : .notCommitted(pending)
    }

    /// Drops the pending rotation (the relay answered a conflict: nothing changed there).
    public func discardPendingRotation() throws {
        try syncStore.transaction(write: true) { db in try db.execute(sql: "DELETE FROM pending_rotation") }
    }

    // MARK: Rows

    private func insertPending(from: UInt32, to: UInt32, key: SecureBytes, revoke: [DeviceID], change: RotationChange, _ db: Database) throws {
        let wrapped = try WrappedVaultKey.wrap(key, account: metadata.account, epoch: to, kek: unlockKey)
        let recovery = try change.newRecovery.map {
            try LocalSecretWrap.wrap($0.secret, label: LocalSecretWrap.recoveryLabel, account: metadata.account,
                                     device: metadata.device, epoch: to, vaultKey: key)
        }
        var passphrase: (String, AccountPublicKeys?, PassphraseParameters?, [UInt8]?) = ("keep", nil, nil, nil)
        switch change.passphrase {
        case .keep: break
        case .remove: passphrase.0 = "remove"
        case .set(let keys, let parameters, let check):
            let wrappedCheck = try LocalSecretWrap.wrap(SecureBytes(check), label: LocalSecretWrap.passphraseCheckLabel,
                                                        account: metadata.account, device: metadata.device, epoch: to, vaultKey: key)
            passphrase = ("set", keys, parameters, wrappedCheck)
        }
        try db.execute(sql: """
            INSERT INTO pending_rotation (singleton, from_epoch, to_epoch, vault_key_wrapped, revoke, recovery_wrapped,
                passphrase_change, passphrase_sign_key, passphrase_box_key, passphrase_salt, passphrase_ops, passphrase_mem,
                passphrase_check_wrapped, created_ms)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                Int64(from), Int64(to), Data(wrapped), Data(revoke.flatMap(\.bytes)), recovery.map { Data($0) },
                passphrase.0, passphrase.1.map { Data($0.signingKey) }, passphrase.1.map { Data($0.boxKey) },
                passphrase.2.map { Data($0.salt) }, passphrase.2.map { Int64($0.cost.opsLimit) },
                passphrase.2.map { Int64($0.cost.memLimit) }, passphrase.3.map { Data($0) }, Int64(now()),
            ])
    }

    private func pendingKey(expecting epoch: UInt32, _ db: Database) throws -> SecureBytes? {
        guard let row = try Row.fetchOne(db, sql: "SELECT to_epoch, vault_key_wrapped FROM pending_rotation"),
              UInt32(row[0] as Int64) == epoch
        else { return nil }
        return try WrappedVaultKey.unwrap(Array(row[1] as Data), account: metadata.account, epoch: epoch, kek: unlockKey)
    }

    private func fetchPending(_ db: Database) throws -> PendingRotation? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pending_rotation") else { return nil }
        let to = UInt32(row["to_epoch"] as Int64)
        let revokeBytes = Array(row["revoke"] as Data)
        var revoke: [DeviceID] = []
        for start in stride(from: 0, to: revokeBytes.count, by: 16) {
            revoke.append(try DeviceID(bytes: Array(revokeBytes[start..<start + 16])))
        }
        var recovery: RecoveryKey?
        if let wrapped = row["recovery_wrapped"] as Data? {
            guard let key = try pendingKey(expecting: to, db) else { return nil }
            let secret = try LocalSecretWrap.unwrap(Array(wrapped), label: LocalSecretWrap.recoveryLabel, account: metadata.account,
                                                    device: metadata.device, epoch: to, vaultKey: key)
            recovery = try RecoveryKey(secret: secret)
        }
        var passphrase = RotationChange.Passphrase.keep
        switch row["passphrase_change"] as String {
        case "remove": passphrase = .remove
        case "set":
            guard let key = try pendingKey(expecting: to, db) else { return nil }
            let check = try LocalSecretWrap.unwrap(Array(row["passphrase_check_wrapped"] as Data), label: LocalSecretWrap.passphraseCheckLabel,
                                                   account: metadata.account, device: metadata.device, epoch: to, vaultKey: key)
            passphrase = .set(
                keys: AccountPublicKeys(signingKey: Array(row["passphrase_sign_key"] as Data), boxKey: Array(row["passphrase_box_key"] as Data)),
                parameters: try PassphraseParameters(salt: Array(row["passphrase_salt"] as Data),
                                                     cost: Argon2id.Cost(opsLimit: UInt64(row["passphrase_ops"] as Int64),
                                                                         memLimit: UInt64(row["passphrase_mem"] as Int64))),
                check: check.copyBytes())
        default: break
        }
        return PendingRotation(fromEpoch: UInt32(row["from_epoch"] as Int64), toEpoch: to,
                               change: RotationChange(revoke: revoke, newRecovery: recovery, passphrase: passphrase))
    }

    func epochKey(_ epoch: UInt32) throws(VaultError) -> SecureBytes {
        guard let key = keys[epoch] else { throw .storage("the vault key of epoch \(epoch) is missing") }
        return key
    }
}

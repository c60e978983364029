import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// The holders a backup file is sealed to, as kept in `backup_holders` (migration
/// "v7-backup-holders"): enough for ``SyncStore/sealScheduledBackup(relayURL:createdMilliseconds:passphraseParameters:)``
/// to write a backup without the vault key.
public struct BackupHolders: Sendable, Equatable {
    /// One holder.
    public struct Holder: Sendable, Equatable {
        /// Recovery key or passphrase.
        public var kind: BackupFile.HolderKind
        /// The epoch whose vault key `grant` carries.
        public var epoch: UInt32
        /// The roster version the public key was taken from.
        public var rosterVersion: String
        /// The holder's X25519 public key.
        public var boxKey: [UInt8]
        /// `VK_epoch` sealed to `boxKey`.
        public var grant: [UInt8]
        /// The passphrase's salt and cost, once known (passphrase holders only).
        public var parameters: PassphraseParameters?
    }

    /// The recovery key's holder, and the passphrase's when the account has one.
    public var holders: [Holder]

    /// The holders written for `epoch` from the roster of version `rosterVersion`.
    public func isCurrent(epoch: UInt32, rosterVersion: String) -> Bool {
        !holders.isEmpty && holders.allSatisfy { $0.epoch == epoch && $0.rosterVersion == rosterVersion }
    }

    static func fetch(_ db: Database) throws -> BackupHolders {
        let holders = try Row.fetchAll(db, sql: "SELECT * FROM backup_holders ORDER BY kind").compactMap { row -> Holder? in
            guard let kind = BackupFile.HolderKind(rawValue: UInt8(row["kind"] as Int64)) else { return nil }
            var parameters: PassphraseParameters?
            if let salt = row["salt"] as Data?, let ops = row["ops_limit"] as Int64?, let mem = row["mem_limit"] as Int64? {
                parameters = try? PassphraseParameters(salt: Array(salt), cost: .init(opsLimit: UInt64(ops), memLimit: UInt64(mem)))
            }
            return Holder(kind: kind, epoch: UInt32(row["epoch"] as Int64), rosterVersion: row["roster_version"],
                          boxKey: Array(row["box_key"] as Data), grant: Array(row["vk_grant"] as Data), parameters: parameters)
        }
        return BackupHolders(holders: holders)
    }

    static func replace(_ holders: [Holder], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM backup_holders")
        for h in holders {
            try db.execute(sql: """
                INSERT INTO backup_holders (kind, epoch, roster_version, box_key, vk_grant, salt, ops_limit, mem_limit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Int64(h.kind.rawValue), Int64(h.epoch), h.rosterVersion, Data(h.boxKey), Data(h.grant),
                                 h.parameters.map { Data($0.salt) }, h.parameters.map { Int64($0.cost.opsLimit) },
                                 h.parameters.map { Int64($0.cost.memLimit) }])
        }
    }

    /// The recipients of a backup file; the passphrase only when its salt and cost are known.
    func recipients(fallback parameters: PassphraseParameters?) -> [BackupFile.Recipient] {
        holders.compactMap { h in
            switch h.kind {
            case .recoveryKey:
                return BackupFile.Recipient(kind: .recoveryKey, boxKey: h.boxKey, vaultKeyGrant: h.grant)
            case .passphrase:
                guard let p = h.parameters ?? parameters else { return nil }
                return BackupFile.Recipient(kind: .passphrase, boxKey: h.boxKey, vaultKeyGrant: h.grant, passphrase: p)
            }
        }
    }
}

extension Vault {
    /// Rewrites the backup holders when the epoch or the roster changed since they were
    /// written (a cheap read otherwise), so that a locked daemon can keep writing backups
    /// (daemon.md, "Backups"). `passphraseParameters`, when given, are kept for the
    /// passphrase holder; otherwise the ones kept before stay while the passphrase's key
    /// is the same. A vault without a roster (never on a relay) has no holders.
    public func refreshBackupHolders(passphraseParameters: PassphraseParameters? = nil) throws {
        let rosterID = Roster.recordID(account: metadata.account)
        let (stored, rosterRecord, epoch) = try store.read { db in
            (try BackupHolders.fetch(db), try VaultStore.fetchRecord(id: rosterID, account: self.metadata.account, db),
             try VaultStore.fetchMetadata(db).currentEpoch)
        }
        guard let rosterRecord, !rosterRecord.header.deleted else { return }
        let version = rosterRecord.header.version.description
        let storedPassphrase = stored.holders.first { $0.kind == .passphrase }
        if stored.isCurrent(epoch: epoch, rosterVersion: version),
           passphraseParameters == nil || storedPassphrase == nil || storedPassphrase?.parameters == passphraseParameters {
            return
        }
        guard epoch == metadata.currentEpoch, let roster = try roster() else { return }
        var holders = [BackupHolders.Holder(kind: .recoveryKey, epoch: epoch, rosterVersion: version, boxKey: roster.recovery.boxKey,
                                            grant: try sealGrant(to: roster.recovery.boxKey))]
        if let keys = roster.passphrase {
            let kept = storedPassphrase?.boxKey == keys.boxKey ? storedPassphrase?.parameters : nil
            holders.append(BackupHolders.Holder(kind: .passphrase, epoch: epoch, rosterVersion: version, boxKey: keys.boxKey,
                                                grant: try sealGrant(to: keys.boxKey), parameters: passphraseParameters ?? kept))
        }
        try store.write { db in try BackupHolders.replace(holders, db) }
    }
}

extension SyncStore {
    /// The backup holders kept for this vault.
    public func backupHolders() throws(VaultError) -> BackupHolders {
        try store.read { try BackupHolders.fetch($0) }
    }

    /// Writes a backup file without the vault key, as a locked daemon does on its schedule
    /// (Protocol/daemon.md, "Backups"): the records as sealed here, sealed again to the
    /// kept holders. The passphrase holder joins when its salt and cost are kept or given
    /// (`passphraseParameters`, which the relay answers to anyone).
    ///
    /// Refused when the holders were never written (the vault has not been open with its
    /// key since it came to this version) or are of an older epoch than the records, or a
    /// record of an older epoch waits for re-sealing: only the key could mend those.
    public func sealScheduledBackup(relayURL: String, createdMilliseconds: UInt64,
                                    passphraseParameters: PassphraseParameters? = nil) throws -> [UInt8] {
        let (holders, records, epoch) = try store.read { db -> (BackupHolders, [SealedRecord], UInt32) in
            var records: [SealedRecord] = []
            for kind in RecordKind.allCases {
                try VaultStore.forEachRecord(kind: kind, account: self.metadata.account, db) { records.append($0) }
            }
            return (try BackupHolders.fetch(db), records, try VaultStore.fetchMetadata(db).currentEpoch)
        }
        guard !holders.holders.isEmpty else {
            throw VaultError.wrongProtection("no backup can be written until the vault has been unlocked once on this version: run any twofold command with the passphrase, or 'twofold unlock'")
        }
        guard holders.holders.allSatisfy({ $0.epoch == epoch }), records.allSatisfy({ $0.header.epoch == epoch }) else {
            throw VaultError.wrongProtection("the account's key changed and this device has not re-sealed its records yet: the next backup follows once the vault is unlocked")
        }
        if let passphraseParameters, let index = holders.holders.firstIndex(where: { $0.kind == .passphrase }),
           holders.holders[index].parameters == nil {
            var kept = holders.holders
            kept[index].parameters = passphraseParameters
            try store.write { db in try BackupHolders.replace(kept, db) }
        }
        return try BackupFile.seal(records, account: metadata.account, epoch: epoch, createdMilliseconds: createdMilliseconds,
                                   relayURL: relayURL, recipients: holders.recipients(fallback: passphraseParameters))
    }
}

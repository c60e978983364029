import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

extension Vault {
    /// Every record of the vault sealed under the current epoch: tokens, tombstones, HOTP
    /// counters and the roster, a record of an older epoch re-sealed with its version
    /// unchanged ([CRY-18]). What a snapshot and a backup file hold.
    func recordsOfCurrentEpoch() throws -> [SealedRecord] {
        let epoch = metadata.currentEpoch
        var records: [SealedRecord] = []
        try store.read { db in
            for kind in RecordKind.allCases {
                try VaultStore.forEachRecord(kind: kind, account: self.metadata.account, db) { records.append($0) }
            }
        }
        return try records.map { record in
            guard record.header.epoch != epoch else { return record }
            var header = record.header
            header.epoch = epoch
            let payload = record.header.deleted ? [] : try open(record)
            return try RecordCipher.seal(payload: payload, header: header, key: currentKey)
        }
    }

    /// Writes a backup file of the whole vault (Protocol/crypto.md, "Backup file"): it
    /// opens with the recovery words and, when the account has a passphrase and its salt
    /// and cost are given, with the passphrase, on any machine, with no relay.
    ///
    /// The holders' public keys come from the roster ([DEV-2]): a vault that has never been
    /// attached to a relay has no recovery key, and so no backup file.
    public func sealBackup(relayURL: String, passphraseParameters: PassphraseParameters?,
                           createdMilliseconds: UInt64) throws -> [UInt8] {
        // Kept for the daemon's scheduled backups, which may run locked (daemon.md, "Backups").
        try refreshBackupHolders(passphraseParameters: passphraseParameters)
        guard let roster = try roster() else {
            throw VaultError.wrongProtection("this vault has no recovery key yet, so nothing could open a backup of it: attach it to a relay with 'twofold relay set URL', or use 'twofold export --encrypt'")
        }
        var recipients = [BackupFile.Recipient(kind: .recoveryKey, boxKey: roster.recovery.boxKey,
                                               vaultKeyGrant: try sealGrant(to: roster.recovery.boxKey))]
        if let keys = roster.passphrase, let parameters = passphraseParameters {
            recipients.append(BackupFile.Recipient(kind: .passphrase, boxKey: keys.boxKey,
                                                   vaultKeyGrant: try sealGrant(to: keys.boxKey), passphrase: parameters))
        }
        return try BackupFile.seal(try recordsOfCurrentEpoch(), account: metadata.account, epoch: metadata.currentEpoch,
                                   createdMilliseconds: createdMilliseconds, relayURL: relayURL, recipients: recipients)
    }

    /// What ``restoreBackup(_:kind:keys:home:passphrase:)`` brought.
    public struct BackupRestore {
        /// The new vault.
        public var vault: Vault
        /// The backup's header: account, epoch, relay, when it was written.
        public var header: BackupFile.Header
        /// Live tokens restored.
        public var tokens: Int
        /// Records of the backup that did not open under its vault key (reported, not used).
        public var damaged: Int
    }

    /// Makes a new local vault in the empty `home` from a backup file opened with the
    /// recovery key or the passphrase (Protocol/devices.md, "Restoring from a backup file").
    ///
    /// The roster inside must carry the check value of the key that opened it, so a file
    /// that anyone could seal to the account's public keys is refused ([CRY-21], as [DEV-11]).
    /// The new vault is a local one with a fresh account id and vault key: every token,
    /// tombstone and HOTP counter record is carried over with its id and version, re-sealed;
    /// the old roster is not ("twofold relay set" makes a new account, with new words).
    public static func restoreBackup(
        _ backup: [UInt8], kind: BackupFile.HolderKind, keys: AccountKeyPairs,
        home: VaultHome, passphrase: String?, cost: Argon2id.Cost = .moderate
    ) throws -> BackupRestore {
        let opened = try BackupFile.open(backup, kind: kind, keys: keys)
        let account = opened.header.account
        guard let rosterRecord = opened.records.first(where: { $0.header.kind == .roster }),
              rosterRecord.header.id == Roster.recordID(account: account),
              let roster = try? Roster.open(rosterRecord, key: opened.vaultKey) else {
            throw VaultError.corruptRecord(id: "backup", reason: "it holds no readable roster of its account, so it cannot be trusted: use another backup")
        }
        guard let check = kind == .recoveryKey ? roster.recoveryCheck : roster.passphraseCheck,
              ConstantTime.equals(check, keys.check) else {
            throw VaultError.corruptRecord(id: "backup", reason: "its roster was not written with this \(kind == .recoveryKey ? "recovery key" : "passphrase"), so the file did not come from the account: nothing was restored")
        }
        var payloads: [(header: RecordHeader, payload: [UInt8])] = []
        var damaged = 0
        for record in opened.records where record.header.kind != .roster {
            if record.header.deleted { payloads.append((record.header, [])); continue }
            guard let payload = try? RecordCipher.open(record, key: opened.vaultKey) else { damaged += 1; continue }
            payloads.append((record.header, payload))
        }
        let vault = try Vault.create(home: home, passphrase: passphrase, cost: cost)
        do {
            let newAccount = vault.metadata.account, epoch = vault.metadata.currentEpoch
            try vault.store.write { db in
                var clock = try VaultStore.fetchMetadata(db).clock
                for (old, payload) in payloads {
                    let header = RecordHeader(account: newAccount, id: old.id, kind: old.kind, version: old.version,
                                              epoch: epoch, deleted: old.deleted)
                    try VaultStore.upsert(try RecordCipher.seal(payload: payload, header: header, key: vault.currentKey), db)
                    clock = max(clock, old.version.hlc)
                }
                try VaultStore.updateClock(clock, db)
            }
            let listing = try vault.tokens()
            return BackupRestore(vault: vault, header: opened.header, tokens: listing.entries.count, damaged: damaged + listing.damaged.count)
        } catch {
            for suffix in ["", "-wal", "-shm"] { unlink(home.databasePath + suffix) }
            unlink(home.keyFilePath)
            throw error
        }
    }
}

import Foundation
import TwofoldProtocol
import TwofoldVault

extension RestoreCommand {
    /// `restore --from-backup FILE`: a new local vault from a backup file, opened with the
    /// words or the account passphrase alone (Protocol/devices.md, "Restoring from a backup
    /// file"). The file is read and opened before the new local passphrase is asked for, so
    /// a wrong word or a damaged file costs nothing.
    func restore(fromBackup path: String, home: VaultHome) throws {
        // The size first: a file larger than any backup is refused without reading it.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let size, size > BackupFile.maximumLength {
            throw CLIError("\(path) is \(size) bytes, larger than any backup: check that it is a file 'twofold backup' wrote")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path): check the path and its permissions")
        }
        let bytes = [UInt8](data)
        let header = try BackupFile.header(of: bytes)
        let kind: BackupFile.HolderKind
        let keys: AccountKeyPairs
        if passphraseStdin || withPassphrase {
            guard let parameters = header.holder(.passphrase)?.passphrase else {
                throw CLIError("\(path) opens with the recovery words only (it was written before an account passphrase was set): use --recovery-key-stdin")
            }
            let text = try PassphraseReader.read(prompt: "Account passphrase: ", fromStandardInput: passphraseStdin)
            guard !text.isEmpty else { throw CLIError("the account passphrase is empty: give the one set with 'twofold passphrase set-recovery'") }
            keys = try parameters.keyPairs(passphrase: text)
            kind = .passphrase
        } else {
            keys = try RecoveryKey(words: try readWords()).keyPairs
            kind = .recoveryKey
        }
        // Opening before the local passphrase is asked: the words must be right first.
        _ = try BackupFile.open(bytes, kind: kind, keys: keys)
        let passphrase: String? = noPassphrase
            ? nil
            : try PassphraseReader.readNew(prompt: "New local passphrase: ", fromStandardInput: localPassphraseStdin)
        let restored = try Vault.restoreBackup(bytes, kind: kind, keys: keys, home: home, passphrase: passphrase)
        print("Restored \(restored.tokens) tokens from the backup of account \(header.account.hex.prefix(8)) written \(StatusCommand.describe(header.createdMilliseconds)) into a new local vault in \(home.path).")
        print("It syncs nowhere yet: 'twofold relay set URL' puts it on a relay as a new account, with new recovery words (the backup named \(header.relayURL)).")
        if restored.damaged > 0 {
            Warnings.emit("\(restored.damaged) records of the backup could not be opened and are not used")
        }
    }
}

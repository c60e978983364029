import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold backup [--to DIR]`: writes one backup file of the whole vault that opens with
/// the 24 recovery words, or the account passphrase, alone (Protocol/crypto.md, "Backup
/// file"; README, "Backups that outlive the relay").
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an encrypted backup file that opens with the recovery words or the account passphrase alone.",
        discussion: """
            The file holds every token, sealed; it needs no relay and no other device to open: \
            'twofold restore --from-backup FILE --recovery-key-stdin' (or --passphrase-stdin) \
            makes a working vault from it on any machine. It is written atomically, mode 0600, \
            as DIR/twofold-backup-ACCOUNT-YYYYMMDDTHHMMSSZ.tfbackup (DIR defaults to the current \
            directory). With an account passphrase set, the relay is asked for its salt and cost \
            so that the passphrase opens the file too; when the relay cannot be reached the file \
            opens with the words only, and a warning says so. --json prints {path, bytes, \
            account_id, epoch, opens_with}.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var unlock: UnlockOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var relayOptions: RelayOptions

    @Option(name: .long, help: ArgumentHelp("The folder to write the backup file in (a USB drive, a synced folder).", valueName: "DIR"))
    var to: String = "."

    func run() throws {
        let home = global.vaultHome
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: to, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(to) is not a folder: create it first, or give another with --to DIR")
        }
        let vault = try unlock.openVault(global)
        guard let state = try vault.syncStore.state(), state.accountState == .ready else {
            throw CLIError("this vault has no account on a relay, so it has no recovery words to open a backup: run 'twofold relay set URL' first, or use 'twofold export --encrypt'")
        }
        let parameters = try passphraseParameters(vault: vault, relayURL: state.relayURL)
        let now = Date()
        let sealed = try vault.sealBackup(relayURL: state.relayURL, passphraseParameters: parameters,
                                          createdMilliseconds: UInt64(now.timeIntervalSince1970 * 1000))
        let path = (to as NSString).appendingPathComponent(Self.fileName(account: vault.account, at: now))
        try SecureFile.write(Data(sealed), to: path)
        let opensWith = parameters == nil ? ["recovery-key"] : ["recovery-key", "passphrase"]
        if output.json {
            try JSONOutput.print(["path": path, "bytes": sealed.count, "account_id": vault.account.hex,
                                  "epoch": Int(try BackupFile.header(of: sealed).epoch), "opens_with": opensWith] as [String: Any])
        } else {
            print("Wrote \(path) (\(sealed.count) bytes); it opens with \(parameters == nil ? "the recovery words" : "the recovery words or the account passphrase").")
        }
    }

    /// The account passphrase's salt and cost, when one is set (the roster lists its keys);
    /// nil, with a warning, when the relay that keeps them cannot be asked.
    private func passphraseParameters(vault: Vault, relayURL: String) throws -> PassphraseParameters? {
        guard try vault.roster()?.passphrase != nil else { return nil }
        let client = try relayOptions.client(for: relayURL, home: global.vaultHome)
        let account = vault.account
        do {
            return try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                return try await DevicesAPI(client: client).passphraseParameters(account: account)
            }
        } catch {
            Warnings.emit("the relay could not be asked for the account passphrase's salt (\(error)): this backup opens with the recovery words only")
            return nil
        }
    }

    /// `twofold-backup-<account, 8 hex>-<UTC time>.tfbackup` (``BackupFileName``).
    static func fileName(account: AccountID, at date: Date) -> String {
        BackupFileName.name(account: account, at: date, scheduled: false)
    }
}

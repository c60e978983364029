import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold restore`: becomes a new device of an account with its recovery key or its
/// account passphrase (Protocol/devices.md, "Restoring").
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore an account's tokens on this new device with the 24-word recovery key or the account passphrase.",
        discussion: """
            The home must not hold a vault yet. The words may be typed in any case, with any \
            spacing. With --recovery-key-stdin they are read from standard input; with \
            --passphrase-stdin the account passphrase (set with 'twofold passphrase \
            set-recovery') is read from its first line instead. Then, with \
            --local-passphrase-stdin, the new local passphrase comes on the next line. A wrong \
            key or passphrase is refused without saying whether the account exists; the relay \
            limits attempts (about 10 an hour per account).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var relayOptions: RelayOptions

    @Option(name: .long, help: ArgumentHelp("The relay, https://HOST[:PORT].", valueName: "URL"))
    var relay: String?

    @Option(name: .long, help: ArgumentHelp("The account id shown when the account was created.", valueName: "ACCOUNT_ID"))
    var account: String?

    @Option(name: .customLong("from-backup"),
            help: ArgumentHelp("Restore from this backup file ('twofold backup') instead of a relay.", valueName: "FILE"))
    var fromBackup: String?

    @Flag(name: .long, help: "Read the 24 recovery words from standard input.")
    var recoveryKeyStdin = false

    @Flag(name: .long, help: "Restore with the account passphrase, read from standard input.")
    var passphraseStdin = false

    @Flag(name: .long, help: "Restore with the account passphrase, typed at the terminal.")
    var withPassphrase = false

    @Flag(name: .long, help: "Protect the new local vault with a key file instead of a passphrase.")
    var noPassphrase = false

    @Flag(name: .long, help: "Read the new local passphrase from standard input (after the words).")
    var localPassphraseStdin = false

    @Option(name: .long, help: ArgumentHelp("This device's name in the account's roster (default: the host name).", valueName: "NAME"))
    var deviceName: String?

    func validate() throws {
        if noPassphrase && localPassphraseStdin {
            throw ValidationError("--no-passphrase and --local-passphrase-stdin exclude each other")
        }
        if recoveryKeyStdin && (passphraseStdin || withPassphrase) {
            throw ValidationError("restore with the recovery key or with the account passphrase, not both")
        }
        if fromBackup != nil && (relay != nil || account != nil || deviceName != nil) {
            throw ValidationError("--from-backup restores without a relay: leave out --relay, --account and --device-name")
        }
        if fromBackup == nil && (relay == nil || account == nil) {
            throw ValidationError("give --relay URL and --account ACCOUNT_ID, or --from-backup FILE")
        }
    }

    func run() throws {
        let home = global.vaultHome
        if home.hasVault { throw VaultError.alreadyInitialized(home: home.path) }
        if let fromBackup { return try restore(fromBackup: fromBackup, home: home) }
        guard let relay, let account else { throw CLIError.usage("give --relay URL and --account ACCOUNT_ID, or --from-backup FILE") }
        let accountID = try AccountID(hex: account.trimmingCharacters(in: .whitespaces).lowercased())
        let proof: Restore.Proof
        if passphraseStdin || withPassphrase {
            let text = try PassphraseReader.read(prompt: "Account passphrase: ", fromStandardInput: passphraseStdin)
            guard !text.isEmpty else { throw CLIError("the account passphrase is empty: give the one set with 'twofold passphrase set-recovery'") }
            proof = .passphrase(text)
        } else {
            proof = .recoveryKey(try RecoveryKey(words: try readWords()))
        }
        let client = try relayOptions.client(for: relay, home: global.vaultHome)
        let name = deviceName ?? SyncCLI.defaultDeviceName()
        // The relay's answer first (the account exists, the key opens its grant), then the
        // new local passphrase: a wrong key or a relay that is down costs no typing (issue 20).
        let proven = try Self.restoreStep {
            try AsyncBridge.run { try await Restore.prove(client: client, account: accountID, proof: proof) }
        }
        let passphrase: String? = noPassphrase
            ? nil
            : try PassphraseReader.readNew(prompt: "New local passphrase: ", fromStandardInput: localPassphraseStdin)
        let outcome = try Self.restoreStep {
            try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                return try await Restore.finish(home: home, client: client, proven: proven,
                                                passphrase: passphrase, deviceName: name)
            }
        }
        print("Restored account \(outcome.account.hex.prefix(8)) from \(client.relay): \(outcome.tokens) tokens; this device is \(outcome.device.hex.prefix(8)).")
        if outcome.damaged > 0 {
            Warnings.emit("\(outcome.damaged) records could not be opened and are not used")
        }
    }

    /// Runs one step of the restore; a relay that cannot be reached is said the way a
    /// restore goes on (nothing was restored; run the same command again), not "sync again".
    static func restoreStep<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch SyncError.unreachable(let relay, let reason) {
            throw CLIError("cannot reach the relay \(relay) (\(reason)): nothing was restored; check the --relay address and your connection (is the relay up?), then run 'twofold restore' again")
        } catch SyncError.timedOut(let relay) {
            throw CLIError("the relay \(relay) did not answer in time: nothing was restored; check your connection, then run 'twofold restore' again")
        }
    }

    /// The words: lines of standard input until 24 words are in, or typed at the terminal.
    func readWords() throws -> String { try RecoveryWordsReader.read(fromStandardInput: recoveryKeyStdin) }
}

import ArgumentParser
import TwofoldSync
import TwofoldVault

/// `twofold init`: creates the vault of this device, and with `--relay` its account on a
/// relay (Protocol/devices.md, "Creating an account").
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an encrypted vault in the home directory (and, with --relay, an account on a relay).",
        discussion: """
            The vault key is wrapped by a passphrase (Argon2id, libsodium MODERATE), or with \
            --no-passphrase kept in the key file <home>/vault.key (mode 0600): anyone who can \
            read that file can read the tokens. With --relay, the account is created on the \
            relay and its 24-word recovery key is shown once (or written to \
            --recovery-key-file). Run the same command again to finish an interrupted creation.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Protect the vault with a key file instead of a passphrase.")
    var noPassphrase = false

    @Flag(name: .long, help: "Read the new passphrase as one line from standard input.")
    var passphraseStdin = false

    @Option(name: .long, help: ArgumentHelp("Create the account on this relay (https://HOST[:PORT]).", valueName: "URL"))
    var relay: String?

    @Option(name: .long, help: ArgumentHelp("Invite token for a relay in invite mode.", valueName: "TOKEN"))
    var invite: String?

    @Option(name: .long, help: ArgumentHelp("Write the recovery words to this file (mode 0600) instead of showing them.", valueName: "FILE"))
    var recoveryKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("Also write a one-page recovery kit to print (HTML, mode 0600).", valueName: "FILE"))
    var recoveryKit: String?

    @OptionGroup var relayOptions: RelayOptions

    func validate() throws {
        if noPassphrase && passphraseStdin {
            throw ValidationError("--no-passphrase and --passphrase-stdin exclude each other")
        }
        if relay == nil && (invite != nil || recoveryKeyFile != nil || recoveryKit != nil || relayOptions.relayCa != nil) {
            throw ValidationError("--invite, --recovery-key-file, --recovery-kit and --relay-ca need --relay")
        }
    }

    func run() throws {
        let home = global.vaultHome
        if home.hasVault {
            // An account creation that was interrupted is finished by running init again.
            guard let relay, let store = try? SyncStore.open(home: home), try store.state()?.accountState == .creating else {
                throw VaultError.alreadyInitialized(home: home.path)
            }
            try resume(home: home, relay: relay)
            return
        }
        let client = try relay.map { try relayOptions.client(for: $0, home: global.vaultHome) }
        let passphrase = noPassphrase
            ? nil
            : try PassphraseReader.readNew(prompt: "New passphrase: ", fromStandardInput: passphraseStdin)
        let vault = try Vault.create(home: home, passphrase: passphrase)
        print("Created a vault in \(home.path) (device \(vault.device.hex.prefix(8))).")
        if noPassphrase {
            print("The key file \(home.keyFilePath) unlocks it: keep it private and backed up.")
        }
        guard let client else { return }
        do {
            _ = try vault.attach(relayURL: client.relay, deviceName: SyncCLI.defaultDeviceName())
        } catch {
            throw SyncError.from(error)
        }
        try finish(home: home, passphrase: passphrase, client: client)
    }

    private func resume(home: VaultHome, relay: String) throws {
        let client = try relayOptions.client(for: relay, home: global.vaultHome)
        let passphrase = try Vault.protection(home: home) == .keyFile
            ? nil
            : try PassphraseReader.read(prompt: "Passphrase for \(home.path): ", fromStandardInput: passphraseStdin)
        try SyncStore.open(home: home).setRelayURL(client.relay)
        print("Finishing the account creation that was interrupted.")
        try finish(home: home, passphrase: passphrase, client: client)
    }

    private func finish(home: VaultHome, passphrase: String?, client: RelayClient) throws {
        let invite = invite, file = recoveryKeyFile, kit = recoveryKit
        try AsyncBridge.run {
            defer { Task { await client.shutdown() } }
            let vault = try Vault.open(home: home) { passphrase ?? "" }
            do {
                try await SyncCLI.completeAccount(vault: vault, client: client, invite: invite, recoveryKeyFile: file, recoveryKit: kit)
            } catch let error as SyncError {
                throw CLIError("the relay did not accept the account: \(error.description) (run the same 'twofold init' again to retry)")
            }
        }
    }
}

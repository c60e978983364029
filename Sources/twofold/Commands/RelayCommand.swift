import ArgumentParser
import TwofoldSync
import TwofoldVault

/// `twofold relay …`: the relay this vault syncs with.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Attach this vault to a relay.",
        subcommands: [Set.self])

    /// `twofold relay set URL`.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Create an account on a relay for this local vault (or point a synced vault at the relay's new address).",
            discussion: """
                A local-only vault gets an account on the relay: every token is pushed, and the \
                24-word recovery key is shown once (or written to --recovery-key-file). A vault \
                that already syncs only changes the address it uses.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var relayOptions: RelayOptions

        @Argument(help: "The relay, https://HOST[:PORT].")
        var url: String

        @Option(name: .long, help: ArgumentHelp("Invite token for a relay in invite mode.", valueName: "TOKEN"))
        var invite: String?

        @Option(name: .long, help: ArgumentHelp("Write the recovery words to this file (mode 0600) instead of showing them.", valueName: "FILE"))
        var recoveryKeyFile: String?

        func run() throws {
            let home = global.vaultHome
            let client = try relayOptions.client(for: url, home: global.vaultHome)
            let store = try SyncStore.open(home: home)
            if let state = try store.state(), state.accountState == .ready {
                try store.setRelayURL(client.relay)
                // Shut down before returning (RelayClient's deinit would too; issue 20's crash).
                try AsyncBridge.run { await client.shutdown() }
                print("This vault now syncs with \(client.relay) (account \(store.account.hex.prefix(8))).")
                return
            }
            let passphrase = try Vault.protection(home: home) == .keyFile
                ? nil
                : try PassphraseReader.read(prompt: "Passphrase for \(home.path): ", fromStandardInput: unlock.passphraseStdin)
            let invite = invite, file = recoveryKeyFile
            try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                let vault = try Vault.open(home: home) { passphrase ?? "" }
                do {
                    if try vault.syncStore.state() == nil {
                        _ = try vault.attach(relayURL: client.relay, deviceName: SyncCLI.defaultDeviceName())
                    } else {
                        try vault.syncStore.setRelayURL(client.relay)
                    }
                    try await SyncCLI.completeAccount(vault: vault, client: client, invite: invite, recoveryKeyFile: file)
                } catch let error as SyncError {
                    throw CLIError("the relay did not accept the account: \(error.description) (run 'twofold relay set' again to retry)")
                } catch let error as SyncRefusal {
                    throw SyncError.refused(error)
                }
            }
        }
    }
}

import ArgumentParser
import TwofoldVault

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The device's data directory.", valueName: "DIR"))
    var home: String?

    /// The home this invocation works on.
    var vaultHome: VaultHome { VaultHome.resolve(explicit: home) }
}

/// How a command that opens the vault gets the passphrase.
struct UnlockOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the passphrase as one line from standard input (for scripts).")
    var passphraseStdin = false

    /// Opens and unlocks the vault, asking for the passphrase only if it has one.
    func openVault(_ global: GlobalOptions) throws -> Vault {
        try Self.openVault(home: global.vaultHome, passphraseStdin: passphraseStdin)
    }

    /// The same from plain values (``QuickCodeArguments`` has no parsed options).
    static func openVault(home: VaultHome, passphraseStdin: Bool) throws -> Vault {
        // While the daemon holds the key (twofold unlock), no passphrase is asked (Protocol/daemon.md).
        let vault = try DaemonClient.openVault(home: home) ?? Vault.open(home: home) {
            try PassphraseReader.read(prompt: "Passphrase for \(home.path): ", fromStandardInput: passphraseStdin)
        }
        BackupHolderRefresh.opened = vault
        return vault
    }
}

/// `--json` for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

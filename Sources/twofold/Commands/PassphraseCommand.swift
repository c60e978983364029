import ArgumentParser
import TwofoldVault

/// `twofold passphrase …`: the local passphrase.
struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Manage the passphrase that protects this device's vault.",
        subcommands: [Change.self])

    /// `twofold passphrase change`.
    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the passphrase (or set one on a --no-passphrase vault).",
            discussion: "With --passphrase-stdin, the old passphrase is the first line and the new one the second.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Read the old and new passphrases as lines from standard input.")
        var passphraseStdin = false

        func run() throws {
            let home = global.vaultHome
            let vault = try Vault.open(home: home) {
                try PassphraseReader.read(prompt: "Current passphrase: ", fromStandardInput: passphraseStdin)
            }
            let new = try PassphraseReader.readNew(prompt: "New passphrase: ", fromStandardInput: passphraseStdin)
            try vault.changePassphrase(to: new)
            print("Passphrase changed.")
        }
    }
}

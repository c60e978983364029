import ArgumentParser
import TwofoldVault

/// `twofold init`: creates the vault of this device.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an encrypted vault in the home directory.",
        discussion: """
            The vault key is wrapped by a passphrase (Argon2id, libsodium MODERATE), or with \
            --no-passphrase kept in the key file <home>/vault.key (mode 0600): anyone who can \
            read that file can read the tokens.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Protect the vault with a key file instead of a passphrase.")
    var noPassphrase = false

    @Flag(name: .long, help: "Read the new passphrase as one line from standard input.")
    var passphraseStdin = false

    func validate() throws {
        if noPassphrase && passphraseStdin {
            throw ValidationError("--no-passphrase and --passphrase-stdin exclude each other")
        }
    }

    func run() throws {
        let home = global.vaultHome
        if home.hasVault { throw VaultError.alreadyInitialized(home: home.path) }
        let passphrase = noPassphrase
            ? nil
            : try PassphraseReader.readNew(prompt: "New passphrase: ", fromStandardInput: passphraseStdin)
        let vault = try Vault.create(home: home, passphrase: passphrase)
        print("Created a vault in \(home.path) (device \(vault.device.hex.prefix(8))).")
        if noPassphrase {
            print("The key file \(home.keyFilePath) unlocks it: keep it private and backed up.")
        }
    }
}

import ArgumentParser
import TwofoldCrypto
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold passphrase …`: the local passphrase, and the optional account passphrase.
struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Manage the passphrase that protects this device's vault, and the account passphrase.",
        subcommands: [Change.self, SetRecovery.self])

    /// `twofold passphrase set-recovery`: the account passphrase (Protocol/crypto.md,
    /// "Account passphrase"), which restores the account on a new device like the recovery key.
    struct SetRecovery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-recovery",
            abstract: "Set, replace or remove the account passphrase, which restores the account like the recovery key.",
            discussion: """
                The account passphrase is optional and comes in addition to the recovery key: \
                with it and the account id, 'twofold restore --with-passphrase' brings the tokens \
                to a new device. It is stretched with Argon2id (libsodium MODERATE or more, a \
                fresh salt) and the relay allows about 10 guesses an hour per account, but a \
                relay operator who keeps the database can guess offline, so one that a strength \
                estimate puts under about 2^50 guesses is refused: use six or more random \
                words, or --generate. Setting it rotates the account to a new key. With \
                --passphrase-stdin, the local passphrase (if the vault has one) is the first \
                line and the account passphrase the second.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var relayOptions: RelayOptions

        @Flag(name: .long, help: "Read the passphrases as lines from standard input.")
        var passphraseStdin = false

        @Flag(name: .long, help: "Remove the account passphrase: only the recovery key restores the account.")
        var remove = false

        @Flag(name: .long, help: "Make the account passphrase: six random words from the BIP-39 list (66 bits), shown once.")
        var generate = false

        @Option(name: .long, help: ArgumentHelp("Argon2id passes (at least 3, the default).", valueName: "N"))
        var opsLimit: UInt64?

        @Option(name: .long, help: ArgumentHelp("Argon2id memory in MiB (at least 256, the default).", valueName: "MIB"))
        var memoryMib: UInt64?

        func run() throws {
            // Not UnlockOptions(passphraseStdin:): a parsable type built by hand holds
            // definitions, not values, and reading one ends the process.
            let box = SendableVault(vault: try UnlockOptions.openVault(home: global.vaultHome, passphraseStdin: passphraseStdin))
            let change: RotationChange.Passphrase
            var generated: String?
            if remove && generate { throw CLIError.usage("--remove and --generate exclude each other") }
            if remove {
                change = .remove
            } else {
                let text: String
                if generate {
                    text = PassphraseStrength.generate(words: 6)
                    generated = text
                } else {
                    text = try PassphraseReader.readNew(prompt: "Account passphrase: ", fromStandardInput: passphraseStdin, warnIfWeak: false)
                }
                // A copy of the relay's store lets anyone guess offline (issue 20: 'password1234'
                // fell on the fifth guess): refuse what a guesser tries early (Protocol/crypto.md).
                let strength = PassphraseStrength(text)
                guard strength.isStrongEnoughForAnAccount else {
                    throw CLIError("the account passphrase is too easy to guess (\(strength.weakness), under 2^50): anyone with a copy of the relay's store could try that many; use six or more random words, or --generate")
                }
                let defaults = Argon2id.Cost.moderate
                let cost = Argon2id.Cost(opsLimit: opsLimit ?? defaults.opsLimit, memLimit: (memoryMib.map { $0 << 20 }) ?? defaults.memLimit)
                guard cost.meetsMinimum else { throw CLIError("the cost is below libsodium MODERATE (3 passes, 256 MiB): raise it") }
                let parameters = try PassphraseParameters(salt: SecureRandom.bytes(Argon2id.saltLength), cost: cost)
                let pairs = try parameters.keyPairs(passphrase: text)
                change = .set(keys: pairs.publicKeys, parameters: parameters, check: pairs.check)
            }
            let (client, _) = try RotationReport.session(vault: box.vault, relayOptions: relayOptions)
            let removing = remove
            let shown = generated
            try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                let vault = box.vault
                let session = try await RelaySession.stored(client: client, store: vault.syncStore)
                try await RotationReport.resume(vault: vault, session: session, recoveryKeyFile: nil)
                let outcome = try await KeyRotation.run(RotationChange(passphrase: change), vault: vault, session: session)
                try RotationReport.show(outcome, vault: vault, recoveryKeyFile: nil)
                if let shown { print("The account passphrase (write it down; it is shown only once): \(shown)") }
                print(removing
                    ? "The account passphrase was removed; only the recovery key restores the account now."
                    : "The account passphrase is set. Restore with: twofold restore --relay \(client.relay) --account \(vault.account.hex) --with-passphrase")
            }
        }
    }

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

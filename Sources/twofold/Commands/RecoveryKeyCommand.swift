import ArgumentParser
import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold recovery-key rotate`: a new recovery key; the old one stops working
/// (Protocol/devices.md, "Revocation and key rotation").
struct RecoveryKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery-key",
        abstract: "Manage the account's 24-word recovery key.",
        subcommands: [Rotate.self, Verify.self, Kit.self])

    /// `twofold recovery-key verify`: are these the account's words? Checked here, against
    /// the roster's recovery public keys, with no relay and no new device (issue 14).
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that typed words are the account's recovery key, without using them.",
            discussion: """
                Derives the keys from the words and compares them with the account's recovery \
                public keys in the roster this device holds: nothing is sent to the relay and no \
                device is created. Exit status 0 when they are the account's words, 1 otherwise. \
                With --recovery-key-stdin the words are read from standard input (after the local \
                passphrase line, with --passphrase-stdin); otherwise they are typed without echo.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions

        @Flag(name: .long, help: "Read the 24 words from standard input.")
        var recoveryKeyStdin = false

        func run() throws {
            let vault = try unlock.openVault(global)
            guard let roster = try vault.roster() else {
                throw CLIError("this vault has no account on a relay, so it has no recovery words: 'twofold relay set URL' makes them")
            }
            let key = try RecoveryKey(words: try RecoveryWordsReader.read(fromStandardInput: recoveryKeyStdin))
            try Self.check(key, against: roster)
            print("These are the account's recovery words: keep them where you keep them now.")
        }

        /// Refuses words whose keys are not the roster's recovery keys (constant time).
        static func check(_ key: RecoveryKey, against roster: Roster) throws {
            let pairs = key.keyPairs
            let matches = ConstantTime.equals(pairs.publicKeys.signingKey, roster.recovery.signingKey)
                && ConstantTime.equals(pairs.publicKeys.boxKey, roster.recovery.boxKey)
                && (roster.recoveryCheck.map { ConstantTime.equals($0, pairs.check) } ?? true)
            guard matches else {
                throw CLIError("these are not this account's recovery words (they are valid words, but another key's): find the right ones, or make new ones with 'twofold recovery-key rotate'")
            }
        }
    }

    /// `twofold recovery-key kit`: the printable one-page recovery kit.
    struct Kit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kit",
            abstract: "Write a one-page recovery kit to print: relay, account, the 24 words and their QR code.",
            discussion: """
                The words are never stored, so they are typed (or given with --recovery-key-stdin) \
                and checked against the account first, as 'recovery-key verify' does. The kit is \
                HTML that prints on one page; it is written with mode 0600. Print it, check it, \
                then delete the file.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions

        @Flag(name: .long, help: "Read the 24 words from standard input.")
        var recoveryKeyStdin = false

        @Option(name: .long, help: ArgumentHelp("Where to write the kit (HTML).", valueName: "FILE"))
        var output: String

        func run() throws {
            let vault = try unlock.openVault(global)
            guard let roster = try vault.roster(), let state = try vault.syncStore.state() else {
                throw CLIError("this vault has no account on a relay, so it has no recovery words: 'twofold relay set URL' makes them")
            }
            let key = try RecoveryKey(words: try RecoveryWordsReader.read(fromStandardInput: recoveryKeyStdin))
            try Verify.check(key, against: roster)
            try RecoveryKit.write(to: output, relay: state.relayURL, account: vault.account, key: key)
            print("Wrote the recovery kit to \(output) (mode 0600): print it, check it with 'twofold recovery-key verify', then delete the file.")
        }
    }

    /// `twofold recovery-key rotate`.
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Replace the recovery key: new words are shown once, and the old words stop working.",
            discussion: """
                Do this when the words may have been seen by someone else, or are lost. The \
                account moves to a new vault key that is granted to the new recovery key and not \
                to the old one, so the old words open nothing written from now on, and the relay \
                refuses them. The new words are shown only after the relay accepted the change.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var unlock: UnlockOptions
        @OptionGroup var relayOptions: RelayOptions

        @Option(name: .long, help: ArgumentHelp("Write the new words to FILE (mode 0600) instead of showing them.", valueName: "FILE"))
        var recoveryKeyFile: String?

        func run() throws {
            let box = SendableVault(vault: try unlock.openVault(global))
            let (client, _) = try RotationReport.session(vault: box.vault, relayOptions: relayOptions)
            let file = recoveryKeyFile
            try AsyncBridge.run {
                defer { Task { await client.shutdown() } }
                let vault = box.vault
                let session = try await RelaySession.stored(client: client, store: vault.syncStore)
                try await RotationReport.resume(vault: vault, session: session, recoveryKeyFile: file)
                // [DEV-5]: the words are shown only after the relay committed the rotation.
                let outcome = try await KeyRotation.run(RotationChange(newRecovery: RecoveryKey.generate()), vault: vault, session: session)
                try RotationReport.show(outcome, vault: vault, recoveryKeyFile: file)
            }
        }
    }
}

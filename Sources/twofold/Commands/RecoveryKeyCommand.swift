import ArgumentParser
import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// `twofold recovery-key rotate`: a new recovery key; the old one stops working
/// (Protocol/devices.md, "Revocation and key rotation").
struct RecoveryKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery-key",
        abstract: "Manage the account's 24-word recovery key.",
        subcommands: [Rotate.self])

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

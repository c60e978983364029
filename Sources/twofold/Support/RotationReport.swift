import Foundation
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// How the commands that rotate the account's key report it (Protocol/devices.md,
/// "Revocation and key rotation").
enum RotationReport {
    /// Finishes a rotation an earlier run left pending and says what became of it.
    static func resume(vault: Vault, session: RelaySession, recoveryKeyFile: String?) async throws {
        guard let outcome = try await KeyRotation.resume(vault: vault, session: session) else { return }
        print("Finished the key rotation an earlier run had started: the account is at epoch \(outcome.epoch).")
        try show(outcome, vault: vault, recoveryKeyFile: recoveryKeyFile)
    }

    /// Prints the revoked devices and, once, a new recovery key.
    static func show(_ outcome: KeyRotation.Outcome, vault: Vault, recoveryKeyFile: String?) throws {
        // [DEV-14]: only what the relay committed is reported.
        for device in outcome.revoked {
            print("Device \(device.hex) is revoked: the relay refuses it, and nothing written from now on opens with its keys.")
        }
        if let key = outcome.newRecovery {
            print("The recovery key was replaced; the old words no longer restore anything.")
            try SyncCLI.reveal(key, account: vault.account, file: recoveryKeyFile)
        }
    }

    /// The signed-in session of this vault's device, and its client.
    static func session(vault: Vault, relayOptions: RelayOptions) throws -> (RelayClient, SyncStore) {
        let store = vault.syncStore
        guard let state = try store.state() else { throw SyncError.refused(.notAttached) }
        guard state.accountState == .ready else {
            throw CLIError("creating the account on \(state.relayURL) was interrupted: run 'twofold init --relay \(state.relayURL)' again to finish it")
        }
        return (try relayOptions.client(for: state.relayURL, home: vault.home), store)
    }
}

import TwofoldProtocol
import TwofoldSync
import TwofoldVault

/// Follows rotations made by other devices while the daemon holds the vault unlocked
/// (Protocol/devices.md, "Revocation and key rotation": "other devices receive
/// `event: epoch`, fetch `GET /v1/grant`, open `VK'` and continue"). A locked daemon cannot:
/// the new key must be wrapped by the local key, which it does not hold; it reports
/// `epochAhead` until `twofold unlock`.
struct DaemonEpochFollower: EpochFollower {
    let keys: KeyKeeper
    let session: RelaySession

    func follow(epoch: UInt32) async throws(SyncError) -> VaultKeyring {
        let grant = try await RecoveryAPI(client: session.client).ownGrant(session: session)
        guard grant.epoch >= epoch else {
            throw .invalidResponse("the relay's grant is for epoch \(grant.epoch), older than the account's \(epoch)")
        }
        let keyring: VaultKeyring?
        do { keyring = try await keys.adoptEpoch(grant.epoch, grant: grant.sealed) } catch { throw SyncError.from(error) }
        guard let keyring else { throw .refused(.epochAhead(local: epoch - 1, relay: grant.epoch)) }
        return keyring
    }
}

extension KeyKeeper {
    /// Takes the key of a newer epoch from this device's grant, if unlocked; nil when locked.
    func adoptEpoch(_ epoch: UInt32, grant: [UInt8]) throws -> VaultKeyring? {
        guard let vault = openedVault else { return nil }
        try vault.adoptEpoch(epoch, grant: grant)
        return vault.keyring
    }
}

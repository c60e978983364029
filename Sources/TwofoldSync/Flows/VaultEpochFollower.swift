import TwofoldVault

/// Follows rotations for an unlocked ``Vault`` (the CLI's): fetches this device's grant for
/// the account's epoch and stores its key (Protocol/devices.md, "Revocation and key rotation").
///
/// `@unchecked Sendable`: the vault is used by one task at a time, the sync round that
/// holds this follower.
public final class VaultEpochFollower: EpochFollower, @unchecked Sendable {
    private let vault: Vault
    private let session: RelaySession

    /// A follower for `vault`, signed in through `session`.
    public init(vault: Vault, session: RelaySession) {
        self.vault = vault
        self.session = session
    }

    public func follow(epoch: UInt32) async throws(SyncError) -> VaultKeyring {
        let grant = try await RecoveryAPI(client: session.client).ownGrant(session: session)
        guard grant.epoch >= epoch else {
            throw .invalidResponse("the relay's grant is for epoch \(grant.epoch), older than the account's \(epoch)")
        }
        do { try vault.adoptEpoch(grant.epoch, grant: grant.sealed) } catch { throw SyncError.from(error) }
        return vault.keyring
    }
}

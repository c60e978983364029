import TwofoldProtocol
import TwofoldVault

/// Creating an account on a relay for a vault in state `creating` (Protocol/devices.md,
/// "Creating an account", steps 4–5, and "Interrupted").
public enum AccountCreation {
    /// What the caller shows once and then confirms with ``Vault/finishAccountCreation()``.
    public struct Outcome: Sendable {
        /// The recovery key to show (never before the relay accepted the account, [DEV-5]).
        public var recoveryKey: RecoveryKey
        /// The first sync round, or its failure (the account exists either way).
        public var sync: Result<SyncReport, SyncError>
    }

    /// Registers the account and this device (`POST /v1/accounts`), or signs in if an earlier
    /// attempt already did, then pushes the roster and the first head. Throws when the relay
    /// did not accept the account; the vault then stays `creating` and the call can be repeated.
    public static func complete(vault: Vault, client: RelayClient, invite: String?) async throws(SyncError) -> Outcome {
        let draft: AccountDraft
        do { draft = try vault.resumeAccountDraft() } catch { throw SyncError.from(error) }
        let session = RelaySession(client: client, account: draft.account, device: draft.device, signingKey: draft.signingKey)
        let store = vault.syncStore
        await session.persistTokens { text, expiresAt in try? store.storeAccessToken(text.isEmpty ? nil : (text, expiresAt)) }
        do {
            let token = try await AccountsAPI(client: client).create(draft, invite: invite)
            await session.adopt(token: token.token, expiresAt: token.expiresAt)
            try? store.storeAccessToken((token.token, token.expiresAt))
        } catch .relay(let failure) where failure.code == "account_exists" {
            // The first attempt reached the relay: sign in. auth_failed here means the id is someone else's.
            _ = try await session.accessToken()
        }
        let syncer = Syncer(store: vault.syncStore, transport: RecordsAPI(session: session), keyring: vault.keyring)
        let result: Result<SyncReport, SyncError>
        do {
            result = .success(try await syncer.run(clockOffset: { await client.traffic.clockOffsetMilliseconds }))
        } catch {
            result = .failure(error)
        }
        try? vault.refreshBackupHolders()  // for the daemon's scheduled backups (daemon.md, "Backups")
        return Outcome(recoveryKey: draft.recoveryKey, sync: result)
    }
}

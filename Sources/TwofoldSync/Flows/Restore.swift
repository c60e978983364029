import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Restoring an account on a new device with the recovery key or the account passphrase
/// (Protocol/devices.md, "Restoring"): prove the key to the relay, become a new device,
/// pull and open everything, join the roster, store this device's own grant.
public enum Restore {
    /// What proves the account.
    public enum Proof: Sendable {
        /// The 24-word recovery key.
        case recoveryKey(RecoveryKey)
        /// The account passphrase (its salt and cost come from the relay).
        case passphrase(String)
    }

    /// What a restore brought.
    public struct Outcome: Sendable {
        /// The account restored.
        public var account: AccountID
        /// The new device's id.
        public var device: DeviceID
        /// Readable tokens now in the vault.
        public var tokens: Int
        /// Records that could not be opened (reported, never used).
        public var damaged: Int
    }

    /// Restores into the empty `home`. On any failure after the vault was created the
    /// home is emptied again, so the command can simply be repeated (the relay device it
    /// registered stays unused until the next rotation removes it).
    public static func run(home: VaultHome, client: RelayClient, account: AccountID, proof: Proof,
                           passphrase: String?, deviceName: String) async throws -> Outcome {
        guard !home.hasVault else { throw VaultError.alreadyInitialized(home: home.path) }
        let proven = try await prove(client: client, account: account, proof: proof)
        return try await finish(home: home, client: client, proven: proven, passphrase: passphrase, deviceName: deviceName)
    }

    /// What the relay answered to a proof that it accepted: the account exists and the key
    /// or passphrase opens its grant. Nothing is written locally yet, so the CLI asks for
    /// the new local passphrase only after this (issue 20).
    public struct Proven: Sendable {
        let account: AccountID
        let keys: AccountKeyPairs
        let kind: AuthMessage.RecoveryKeyKind
        let device: DeviceID
        let signing: Ed25519KeyPair
        let box: X25519KeyPair
        let claim: RecoveryAPI.Claim
        let vaultKey: SecureBytes
    }

    /// Steps 1 and 2: proves the key to the relay and opens the grant it answers with.
    /// A refused account passphrase is blamed on the passphrase, not on "the 24 words".
    public static func prove(client: RelayClient, account: AccountID, proof: Proof) async throws -> Proven {
        // Step 1: the key pairs the proof derives. For a passphrase the relay hands out the
        // salt and cost (decoys for unknown accounts, [API-17]); a cost beyond what this
        // device will run is refused before Argon2id runs ([CRY-13]).
        let keys: AccountKeyPairs
        let kind: AuthMessage.RecoveryKeyKind
        switch proof {
        case .recoveryKey(let recoveryKey):
            keys = recoveryKey.keyPairs
            kind = .recoveryKey
        case .passphrase(let text):
            let parameters = try await DevicesAPI(client: client).passphraseParameters(account: account)
            do { keys = try parameters.keyPairs(passphrase: text) } catch {
                throw SyncError.rejected("the relay's passphrase parameters cannot be used (\(error)): nothing was restored")
            }
            kind = .passphrase
        }
        let device = DeviceID.random()
        let signing = Ed25519KeyPair.generate()
        let box = X25519KeyPair.generate()
        let claim = try await claimBlamingTheProof(
            client: client, kind: kind, keys: keys, account: account, device: device, signing: signing, box: box)
        guard claim.account == account else {
            throw SyncError.rejected("the relay answered for another account than \(account): nothing was restored")
        }
        let vaultKey: SecureBytes
        do {
            vaultKey = try Grant.open(claim.grant, account: account, epoch: claim.epoch, with: keys.box)
        } catch {
            throw SyncError.rejected("the grant from the relay does not open with this \(kind == .passphrase ? "passphrase" : "recovery key") (\(error)): nothing was restored")
        }
        return Proven(account: account, keys: keys, kind: kind, device: device, signing: signing, box: box,
                      claim: claim, vaultKey: vaultKey)
    }

    /// The relay's claim; a refused account passphrase is said as such (the relay's
    /// `recovery_failed` reads "check … the 24 words").
    static func claimBlamingTheProof(client: RelayClient, kind: AuthMessage.RecoveryKeyKind, keys: AccountKeyPairs,
                                     account: AccountID, device: DeviceID, signing: Ed25519KeyPair,
                                     box: X25519KeyPair) async throws -> RecoveryAPI.Claim {
        let result: Result<RecoveryAPI.Claim, SyncError>
        do {
            result = .success(try await RecoveryAPI(client: client).claim(
                kind: kind, keys: keys, account: account, device: device, signing: signing, box: box))
        } catch {
            result = .failure(error)
        }
        if case .failure(.recoveryFailed) = result, kind == .passphrase {
            throw SyncError.rejected("the relay did not accept this account passphrase for the account (recovery_failed): check the account id and the passphrase set with 'twofold passphrase set-recovery', or restore with the 24-word recovery key")
        }
        return try result.get()
    }

    /// Steps 3 to 6, into the empty `home`, after ``prove(client:account:proof:)``.
    public static func finish(home: VaultHome, client: RelayClient, proven: Proven,
                              passphrase: String?, deviceName: String) async throws -> Outcome {
        guard !home.hasVault else { throw VaultError.alreadyInitialized(home: home.path) }
        let account = proven.account
        let keys = proven.keys
        let kind = proven.kind
        let device = proven.device
        let signing = proven.signing
        let box = proven.box
        let claim = proven.claim
        let vaultKey = proven.vaultKey
        let vault = try Vault.createJoined(home: home, passphrase: passphrase, joining: Vault.Joining(
            account: account, device: device, epoch: claim.epoch, vaultKey: vaultKey, signing: signing, box: box,
            relayURL: client.relay))
        do {
            let session = RelaySession(client: client, account: account, device: device, signingKey: signing)
            await session.adopt(token: claim.token, expiresAt: claim.expiresAt)
            let store = vault.syncStore
            try store.storeAccessToken((claim.token, claim.expiresAt))
            await session.persistTokens { text, expiresAt in try? store.storeAccessToken(text.isEmpty ? nil : (text, expiresAt)) }
            var syncer = Syncer(store: vault.syncStore, transport: RecordsAPI(session: session), keyring: vault.keyring)
            syncer.checkMembership = false
            try await syncer.run()
            // [DEV-11]: the roster must name the recovery key (or passphrase) that was proven.
            guard let roster = try vault.roster() else {
                throw SyncRefusal.rosterUnavailable("the relay holds no roster for this account")
            }
            guard (kind == .recoveryKey ? roster.recovery : roster.passphrase) == keys.publicKeys else {
                throw SyncError.rejected("the account's roster lists another \(kind == .passphrase ? "passphrase" : "recovery key"): the relay answered with another account's data; nothing was restored")
            }
            // The public keys above are public: a relay could write them into a roster of
            // its own, under a vault key of its own, with a grant of that key sealed to them.
            // The check value is derived from the secret itself and kept only inside the real
            // roster, so finding it proves the roster came from the account ([DEV-11]).
            guard let check = kind == .recoveryKey ? roster.recoveryCheck : roster.passphraseCheck,
                  ConstantTime.equals(check, keys.check)
            else {
                throw SyncError.rejected("the account's roster was not written with this \(kind == .passphrase ? "passphrase" : "recovery key"): the relay answered with a vault of its own; nothing was restored")
            }
            // Step 6: join the roster (again from the relay's new copy if another device
            // wrote the roster meanwhile, [SYN-21]).
            try await syncer.changeRoster(
                clockOffset: { await client.traffic.clockOffsetMilliseconds },
                change: { if try vault.roster()?.device(device) == nil { try vault.joinRoster(name: deviceName) } },
                isDone: { try vault.roster()?.device(device) != nil })
            try await RecoveryAPI(client: client).putGrants(
                session: session, epoch: claim.epoch, grants: [device: try vault.sealGrant(to: box.publicKey)])
            let listing = try vault.tokens()
            try? vault.refreshBackupHolders()  // for the daemon's scheduled backups (daemon.md, "Backups")
            return Outcome(account: account, device: device, tokens: listing.entries.count, damaged: listing.damaged.count)
        } catch {
            for file in [home.databasePath, home.databasePath + "-wal", home.databasePath + "-shm", home.keyFilePath] {
                unlink(file)
            }
            throw error
        }
    }
}

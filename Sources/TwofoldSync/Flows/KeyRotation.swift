import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Rotating the account to a new epoch (Protocol/devices.md, "Revocation and key
/// rotation"): revoking devices, replacing the recovery key, and setting or removing the
/// account passphrase. Every run first finishes or rolls back a rotation an earlier run
/// left pending ("Interrupted").
public enum KeyRotation {
    /// What a rotation did.
    public struct Outcome: Sendable {
        /// The account's epoch now.
        public var epoch: UInt32
        /// Devices the relay now refuses (those asked for, and stale relay-only devices).
        public var revoked: [DeviceID]
        /// The new recovery key, to show once, when the rotation replaced it.
        public var newRecovery: RecoveryKey?
        /// True when this finished a rotation an earlier run had started.
        public var resumed: Bool
    }

    /// How many times a rotation is rebuilt after losing a race with another writer.
    static let maximumAttempts = 5

    /// Rotates with `change`: sync, prepare and persist the rotation, send it, and commit
    /// it locally. A conflict (someone wrote meanwhile) starts again from a fresh sync. When
    /// the answer is lost (connection, crash), the pending rotation stays and the error
    /// says to run `twofold sync`, which finishes it ([DEV-13]). Nothing is reported revoked
    /// before the relay committed ([DEV-14]). Callers run ``resume(vault:session:)`` first;
    /// a rotation still pending here is refused.
    public static func run(_ change: RotationChange, vault: Vault, session: RelaySession) async throws(SyncError) -> Outcome {
        var attempt = 0
        while true {
            attempt += 1
            try await syncRound(vault: vault, session: session)
            let account = try await DevicesAPI(client: session.client).account(session: session)
            guard account.epoch == vault.currentEpoch else {
                guard attempt < maximumAttempts else { throw .conflictsPersist(attempts: attempt) }
                continue
            }
            let plan: RotationPlan
            do { plan = try vault.prepareRotation(change, relayDevices: account.statusByID) } catch {
                throw SyncError.from(error)
            }
            Failpoint.hit("rotation.prepared")
            let receipt: PushReceipt
            switch await send(plan, session: session) {
            case .success(let answer):
                receipt = answer
            case .failure(.conflict):
                // Nothing changed on the relay: drop the plan and build it again from a fresh pull.
                do { try vault.discardPendingRotation() } catch { throw SyncError.from(error) }
                guard attempt < maximumAttempts else { throw .conflictsPersist(attempts: attempt) }
                continue
            case .failure(let error) where error.isDefinitive:
                // The relay refused it outright (malformed, quota, revoked): nothing changed there.
                do { try vault.discardPendingRotation() } catch { throw SyncError.from(error) }
                throw error
            case .failure(let error):
                throw .rejected("the key rotation's outcome is unknown (\(error)); run 'twofold sync' to finish it")
            }
            Failpoint.hit("rotation.sent")
            do { try vault.commitRotation(plan, seq: receipt.seq, seqs: receipt.seqs) } catch { throw SyncError.from(error) }
            try? await syncRound(vault: vault, session: session)
            // The new epoch's grants for scheduled backups, which a locked daemon cannot make
            // (daemon.md, "Backups"); a new passphrase's salt and cost are known right here.
            if case .set(_, let parameters, _) = change.passphrase {
                try? vault.refreshBackupHolders(passphraseParameters: parameters)
            } else {
                try? vault.refreshBackupHolders()
            }
            return Outcome(epoch: plan.toEpoch, revoked: plan.revoke, newRecovery: change.newRecovery, resumed: false)
        }
    }

    /// Finishes or rolls back the rotation an earlier run left pending (devices.md,
    /// "Interrupted"); nil when none was pending. If it committed, the vault takes the new
    /// key and pulls the re-sealed records. If it did not (or another device rotated first),
    /// the vault takes the relay's current key and the change is made again when it is
    /// still needed: devices still active are revoked, a new recovery key or passphrase is
    /// set again (the same recovery key, whose words were never shown).
    public static func resume(vault: Vault, session: RelaySession) async throws(SyncError) -> Outcome? {
        let pending: PendingRotation?
        do { pending = try vault.pendingRotation() } catch { throw SyncError.from(error) }
        guard pending != nil else { return nil }
        let account = try await DevicesAPI(client: session.client).account(session: session)
        var grant: [UInt8]?
        if account.epoch > vault.currentEpoch {
            let own = try await RecoveryAPI(client: session.client).ownGrant(session: session)
            guard own.epoch == account.epoch else { throw .conflict(code: "rotation_conflict") }
            grant = own.sealed
        }
        let resolution: RotationResolution?
        do { resolution = try vault.resolvePendingRotation(relayEpoch: account.epoch, grant: grant) } catch {
            throw SyncError.from(error)
        }
        switch resolution {
        case nil:
            return nil
        case .committed(let newRecovery)?:
            try await syncRound(vault: vault, session: session)
            return Outcome(epoch: vault.currentEpoch, revoked: pending!.change.revoke, newRecovery: newRecovery, resumed: true)
        case .notCommitted(let earlier)?:
            var change = earlier.change
            change.revoke = change.revoke.filter { account.statusByID[$0] == true }
            guard !change.revoke.isEmpty || change.newRecovery != nil || change.passphrase != .keep else {
                try await syncRound(vault: vault, session: session)
                return Outcome(epoch: vault.currentEpoch, revoked: [], newRecovery: nil, resumed: true)
            }
            var outcome = try await run(change, vault: vault, session: session)
            outcome.resumed = true
            return outcome
        }
    }

    private static func send(_ plan: RotationPlan, session: RelaySession) async -> Result<PushReceipt, SyncError> {
        do { return .success(try await DevicesAPI(client: session.client).rotate(plan, session: session)) } catch {
            return .failure(error)
        }
    }

    /// One sync round with rotation following, so the rotation starts from the relay's
    /// state ("Revocation and key rotation", step 1).
    public static func syncRound(vault: Vault, session: RelaySession) async throws(SyncError) {
        var syncer = Syncer(store: vault.syncStore, transport: RecordsAPI(session: session), keyring: vault.keyring)
        syncer.follower = VaultEpochFollower(vault: vault, session: session)
        let client = session.client
        try await syncer.run(clockOffset: { await client.traffic.clockOffsetMilliseconds })
    }
}

extension SyncError {
    /// True for refusals after which the relay is known to have changed nothing.
    var isDefinitive: Bool {
        switch self {
        case .relay(let failure): return failure.status >= 400 && failure.status < 500 && failure.status != 408
        case .deviceRevoked, .deviceUnknown, .accountDeleted, .accountDisabled, .rateLimited: return true
        default: return false
        }
    }
}

import Foundation
import GRDB
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

/// Key rotation in the vault (Protocol/devices.md, "Revocation and key rotation"): the
/// plan, its persistence before sending, committing, resolving an interrupted one, and
/// following another device's rotation.
@Suite("Vault key rotation")
struct VaultRotationTests {
    /// A vault attached to a relay and "pushed": every record is on the (pretend) relay
    /// with a head over them, as after a sync round.
    static func syncedVault(_ tmp: TemporaryHome, tokens: [String] = ["GitHub", "Mail"]) throws -> Vault {
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        try vault.finishAccountCreation()
        for issuer in tokens { try vault.add(VaultSyncTests.token(issuer)) }
        try push(vault)
        return vault
    }

    /// Pushes the outbox as the relay would accept it.
    static func push(_ vault: Vault) throws {
        let store = vault.syncStore
        let batch = try store.outboxBatch(limit: 500, maxBytes: 1 << 20)
        let counter = (batch.previousHead?.head.counter ?? 0) + 1
        let head = Head(account: vault.account, counter: counter, epoch: batch.epoch, records: batch.setAfter, signer: vault.device)
            .signed(with: try store.signingKey())
        let seq = (try store.state()?.lastSeq ?? 0) + UInt64(batch.writes.count)
        try store.recordPush(writes: batch.writes.map(\.record), seqs: [:], head: head, seq: seq)
    }

    static func openAll(_ vault: Vault) throws -> [String] {
        try vault.tokens().entries.map(\.token.issuer).sorted()
    }

    @Test func thePlanReSealsEveryRecordAtItsVersionAndIsPersistedBeforeItIsReturned() throws {
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        let before = try vault.syncStore.localHeaders()
        let plan = try vault.prepareRotation(RotationChange(), relayDevices: [vault.device: true])
        #expect(plan.fromEpoch == 1 && plan.toEpoch == 2)
        #expect(plan.records.count == before.count)
        for record in plan.records {
            let old = try #require(before.first { $0.id == record.header.id })
            #expect(record.header.version == old.version)  // the relay keeps each version
            #expect(record.header.epoch == 2)
        }
        // Grants go to the roster's keys only ([DEV-2]): this device and the recovery key.
        #expect(Set(plan.grants.map(\.recipient)) == [vault.device.hex, "recovery"])
        #expect(plan.head.head.epoch == 2 && plan.head.head.counter == 2)
        // [DEV-13]: the rotation is on disk before anything was sent, with its new key
        // wrapped by the local key (a fresh one: [CRY-1]).
        let reopened = try Vault.open(home: tmp.home) { "" }
        let pending = try #require(try reopened.pendingRotation())
        #expect(pending.toEpoch == 2)
        let wrapped = try vault.syncStore.transaction(write: false) { db in
            try Row.fetchOne(db, sql: "SELECT vault_key_wrapped FROM pending_rotation")?[0] as Data?
        }
        let newKey = try WrappedVaultKey.unwrap(Array(try #require(wrapped)), account: vault.account, epoch: 2, kek: vault.unlockKey)
        #expect(newKey != vault.keys[1]!)
        #expect(try RecordCipher.open(plan.records[0], key: newKey).count >= 0)
        // A second rotation waits for the first.
        #expect(throws: SyncRefusal.rotationPending(toEpoch: 2)) {
            try vault.prepareRotation(RotationChange(), relayDevices: [vault.device: true])
        }
    }

    @Test func unpushedChangesAndSelfRevocationAreRefused() throws {
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        #expect(throws: SyncRefusal.self) {
            try vault.prepareRotation(RotationChange(revoke: [vault.device]), relayDevices: [vault.device: true])
        }
        try vault.add(VaultSyncTests.token("Unpushed"))
        #expect(throws: SyncRefusal.self) {
            try vault.prepareRotation(RotationChange(), relayDevices: [vault.device: true])
        }
        #expect(try vault.pendingRotation() == nil)
    }

    @Test func committingMovesTheVaultAndKeepsAnEditMadeMeanwhile() throws {
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        let stale = DeviceID.random()  // a relay device the roster does not list
        let plan = try vault.prepareRotation(RotationChange(newRecovery: RecoveryKey.generate()),
                                             relayDevices: [vault.device: true, stale: true])
        #expect(plan.revoke == [stale])
        #expect(plan.roster.recovery == plan.recovery)
        // An edit lands while the rotation is in flight.
        let mail = try #require(try vault.tokens().entries.first { $0.token.issuer == "Mail" })
        try vault.edit(id: mail.id) { $0.note = "edited meanwhile" }
        try vault.commitRotation(plan, seq: 40, seqs: [:])
        #expect(vault.currentEpoch == 2)
        #expect(try vault.pendingRotation() == nil)
        #expect(try vault.tokens().entries.first { $0.id == mail.id }?.token.note == "edited meanwhile")
        // The edit is re-sealed under the new key and still waits to be pushed; nothing
        // else does: the relay already has the re-sealed records.
        #expect(try vault.syncStore.pendingCount() == 1)
        #expect(try vault.syncStore.localHeaders().allSatisfy { $0.epoch == 2 })
        #expect(try vault.syncStore.state()?.head == plan.head)
        // Reopened from disk, with the local key: every epoch's key is there.
        let reopened = try Vault.open(home: tmp.home) { "" }
        #expect(reopened.currentEpoch == 2)
        #expect(try Self.openAll(reopened) == ["GitHub", "Mail"])
        #expect(try reopened.roster()?.recovery == plan.recovery)
    }

    @Test func anInterruptedRotationIsResolvedFromTheRelaysEpoch() throws {
        // Committed on the relay, answer lost: the grant opens to the prepared key.
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        let newRecovery = RecoveryKey.generate()
        let plan = try vault.prepareRotation(RotationChange(newRecovery: newRecovery), relayDevices: [vault.device: true])
        let grant = try #require(plan.grants.first { $0.recipient == vault.device.hex }).sealed
        let reopened = try Vault.open(home: tmp.home) { "" }
        guard case .committed(let shown)? = try reopened.resolvePendingRotation(relayEpoch: 2, grant: grant) else {
            Issue.record("expected a committed rotation")
            return
        }
        #expect(shown?.phrase == newRecovery.phrase)  // the words can still be shown
        #expect(reopened.currentEpoch == 2)
        #expect(try reopened.pendingRotation() == nil)

        // Never reached the relay: the account is still at epoch 1.
        let tmp2 = TemporaryHome()
        let other = try Self.syncedVault(tmp2)
        let device = DeviceID.random()
        _ = try other.prepareRotation(RotationChange(revoke: [device]), relayDevices: [other.device: true, device: true])
        guard case .notCommitted(let again)? = try other.resolvePendingRotation(relayEpoch: 1, grant: nil) else {
            Issue.record("expected a rotation that did not happen")
            return
        }
        #expect(again.change.revoke == [device])  // to be made again
        #expect(other.currentEpoch == 1)
        #expect(try other.pendingRotation() == nil)
    }

    @Test func anotherDevicesKeyForTheSameEpochIsTakenAndOursDropped() throws {
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        _ = try vault.prepareRotation(RotationChange(), relayDevices: [vault.device: true])
        let theirs = SecureBytes.random(count: 32)
        let grant = try Grant.seal(vaultKey: theirs, account: vault.account, epoch: 2, to: try vault.deviceBoxKeyPair().publicKey)
        guard case .notCommitted? = try vault.resolvePendingRotation(relayEpoch: 2, grant: grant) else {
            Issue.record("expected another device's rotation to win")
            return
        }
        #expect(vault.keys[2] == theirs)
        // A different key for an epoch already held is refused: someone is lying.
        let forged = try Grant.seal(vaultKey: SecureBytes.random(count: 32), account: vault.account, epoch: 2,
                                    to: try vault.deviceBoxKeyPair().publicKey)
        #expect(throws: SyncRefusal.self) { try vault.adoptEpoch(2, grant: forged) }
        #expect(vault.keys[2] == theirs)
    }

    @Test func followingARotationReSealsTheOutboxUnderTheNewKey() throws {
        let tmp = TemporaryHome()
        let vault = try Self.syncedVault(tmp)
        try vault.add(VaultSyncTests.token("Offline"))
        let newKey = SecureBytes.random(count: 32)
        let grant = try Grant.seal(vaultKey: newKey, account: vault.account, epoch: 2, to: try vault.deviceBoxKeyPair().publicKey)
        #expect(try vault.adoptEpoch(2, grant: grant))
        let pending = try vault.syncStore.outboxBatch(limit: 500, maxBytes: 1 << 20)
        #expect(pending.epoch == 2)
        #expect(pending.writes.count == 1)
        #expect(pending.writes.allSatisfy { $0.record.header.epoch == 2 })
        #expect(try RecordCipher.open(pending.writes[0].record, key: newKey).count > 0)
        // A grant for another account or epoch does not open.
        let wrongEpoch = try Grant.seal(vaultKey: newKey, account: vault.account, epoch: 3, to: try vault.deviceBoxKeyPair().publicKey)
        #expect(throws: SyncRefusal.self) { try vault.adoptEpoch(4, grant: wrongEpoch) }
        #expect(vault.currentEpoch == 2)
    }
}

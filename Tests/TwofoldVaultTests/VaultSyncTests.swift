import Foundation
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

/// The vault's sync state: device keys, the derived outbox, and applying pulls (v2-sync).
@Suite("Vault sync state")
struct VaultSyncTests {
    static func token(_ issuer: String) -> OTPToken {
        OTPToken(kind: .totp, secret: Array(issuer.utf8) + [UInt8](repeating: 7, count: 16), issuer: issuer, account: "me")
    }

    @Test func attachingPersistsKeysAndPutsEveryRecordInTheOutbox() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        try vault.add(Self.token("GitHub"))
        #expect(try vault.syncStore.state() == nil)
        let draft = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        let store = try SyncStore.open(home: tmp.home)
        #expect(try store.state()?.accountState == .creating)
        #expect(try store.pendingCount() == 2)  // the token and the roster
        #expect(try store.signingKey().publicKey == draft.signingKey.publicKey)
        #expect(try vault.deviceBoxKeyPair().publicKey == draft.boxPublicKey)
        #expect(try vault.roster()?.device(vault.device)?.name == "laptop")
        // The recovery key is kept, wrapped, only until creation finishes ([DEV-1]).
        #expect(try vault.resumeAccountDraft().recoveryKey.phrase == draft.recoveryKey.phrase)
        try vault.finishAccountCreation()
        #expect(throws: (any Error).self) { try vault.resumeAccountDraft() }
        #expect(throws: SyncRefusal.alreadyAttached(relay: "https://relay.example.org")) {
            try vault.attach(relayURL: "https://other.example.org", deviceName: "x")
        }
    }

    @Test func theOutboxIsWhateverDiffersFromTheRelayMirror() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        let entry = try vault.add(Self.token("GitHub"))
        let store = vault.syncStore
        let batch = try store.outboxBatch(limit: 500, maxBytes: 1 << 20)
        #expect(batch.writes.count == 2)
        #expect(batch.writes.first?.record.header.kind == .roster)  // the roster goes first
        let head = Head(account: vault.account, counter: 1, epoch: 1, records: batch.setAfter, signer: vault.device)
            .signed(with: try store.signingKey())
        try store.recordPush(writes: batch.writes.map(\.record), seqs: [:], head: head, seq: 2)
        #expect(try store.pendingCount() == 0)
        // Every write path enqueues by changing the version: edit, delete, HOTP use.
        try vault.edit(id: entry.id) { $0.note = "changed" }
        #expect(try store.pendingCount() == 1)
        let pending = try store.outboxBatch(limit: 500, maxBytes: 1 << 20).writes
        #expect(pending.first?.expectedVersion == entry.version)
        try vault.remove(id: entry.id)
        #expect(try store.pendingCount() == 1)
        #expect(try store.state()?.lastSeq == 2)
        #expect(try store.state()?.head == head)
    }

    @Test func aPullWhoseHeadDoesNotMatchChangesNothing() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        let store = vault.syncStore
        let before = tmp.snapshot()
        // A record the relay claims, with a head that lists nothing.
        let stranger = try RecordCipher.seal(payload: [1, 2, 3], header: RecordHeader(
            account: vault.account, id: .random(), kind: .token,
            version: RecordVersion(hlc: 1 << 40, device: vault.device), epoch: 1, deleted: false), key: vault.currentKey)
        let head = Head(account: vault.account, counter: 1, epoch: 1, records: [], signer: vault.device)
            .signed(with: try store.signingKey())
        let pull = PulledSet(records: [PulledRecord(record: stranger, seq: 1)], latestSeq: 1, epoch: 1, head: head)
        #expect(throws: ProtocolError.self) { try store.applyPull(pull, keyring: vault.keyring) }
        #expect(tmp.snapshot().filter { !$0.key.hasSuffix("-wal") } == before.filter { !$0.key.hasSuffix("-wal") })
        #expect(try store.state()?.lastSeq == 0)
    }
}

import Foundation
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldSync

/// The relay's record semantics in memory (Protocol/relay-api.md, "Records"): one row per
/// record, per-account seqs, pages, compare-and-swap on versions and the head counter.
actor InMemoryRelay {
    private(set) var records: [RecordID: PulledRecord] = [:]
    private(set) var seq: UInt64 = 0
    private(set) var head: SignedHead?

    func pull(after: UInt64, limit: Int) -> PulledPage {
        let newer = records.values.filter { $0.seq > after }.sorted { $0.seq < $1.seq }
        let page = Array(newer.prefix(limit))
        let more = newer.count > limit
        return PulledPage(records: page, latestSeq: seq, more: more, epoch: 1, head: more ? nil : head)
    }

    func push(_ request: PushRequest) throws(SyncError) -> PushReceipt {
        for write in request.writes where records[write.record.header.id]?.record.header.version != write.expectedVersion {
            throw .conflict(code: "version_conflict")
        }
        guard request.expectedCounter == head?.head.counter, request.head.head.counter == (head?.head.counter ?? 0) + 1 else {
            throw .conflict(code: "head_conflict")
        }
        var seqs: [RecordID: UInt64] = [:]
        for write in request.writes {
            seq += 1
            records[write.record.header.id] = PulledRecord(record: write.record, seq: seq)
            seqs[write.record.header.id] = seq
        }
        head = request.head
        return PushReceipt(seq: seq, epoch: 1, seqs: seqs)
    }

    /// Flips a byte of the newest record's ciphertext, as a hostile relay would.
    func tamperNewest() {
        guard var newest = records.values.max(by: { $0.seq < $1.seq }) else { return }
        newest.record.sealed[newest.record.sealed.count - 1] ^= 1
        records[newest.record.header.id] = newest
    }

    /// Serves an older head and record set, as a relay rolled back from a backup would.
    func rollBack(to snapshot: (records: [RecordID: PulledRecord], seq: UInt64, head: SignedHead?)) {
        records = snapshot.records
        seq = snapshot.seq
        head = snapshot.head
    }

    func snapshot() -> (records: [RecordID: PulledRecord], seq: UInt64, head: SignedHead?) { (records, seq, head) }
}

struct InMemoryTransport: RecordTransport {
    let relay: InMemoryRelay
    func pull(after: UInt64, limit: Int) async throws(SyncError) -> PulledPage { await relay.pull(after: after, limit: limit) }
    func push(_ request: PushRequest) async throws(SyncError) -> PushReceipt { try await relay.push(request) }
}

/// Two device homes of one account, on one in-memory relay.
final class TwoDevices {
    let relay = InMemoryRelay()
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-sync-test-\(UUID().uuidString)")
    var homeA: VaultHome { VaultHome(path: root.appendingPathComponent("a").path) }
    var homeB: VaultHome { VaultHome(path: root.appendingPathComponent("b").path) }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A creates the account; B restores with the recovery key, as `twofold restore` does.
    init() async throws {
        let a = try Vault.create(home: homeA, passphrase: nil)
        let draft = try a.attach(relayURL: "http://127.0.0.1:1", deviceName: "a")
        try a.finishAccountCreation()
        try await sync(homeA)
        let recovery = draft.recoveryKey.keyPairs
        let key = try Grant.open(draft.recoveryGrant, account: draft.account, epoch: 1, with: recovery.box)
        let b = try Vault.createJoined(home: homeB, passphrase: nil, joining: Vault.Joining(
            account: draft.account, device: .random(), epoch: 1, vaultKey: key, signing: .generate(),
            box: .generate(), relayURL: "http://127.0.0.1:1"))
        try await sync(homeB, checkMembership: false)
        try b.joinRoster(name: "b")
        try await sync(homeB)
        try await sync(homeA)
    }

    func vault(_ home: VaultHome) throws -> Vault { try Vault.open(home: home) { "" } }

    /// One round; unlocked unless `locked`.
    @discardableResult
    func sync(_ home: VaultHome, locked: Bool = false, checkMembership: Bool = true) async throws -> SyncReport {
        let vault = try vault(home)
        var syncer = Syncer(store: vault.syncStore, transport: InMemoryTransport(relay: relay),
                            keyring: locked ? nil : vault.keyring)
        syncer.checkMembership = checkMembership
        return try await syncer.run()
    }

    /// Tokens as (issuer, account, note), sorted: what a person would compare.
    func tokens(_ home: VaultHome) throws -> [String] {
        try vault(home).tokens().entries.map { "\($0.token.issuer):\($0.token.account):\($0.token.note)" }.sorted()
    }

    static func totp(_ issuer: String, _ secret: UInt8 = 1) -> OTPToken {
        OTPToken(kind: .totp, secret: [UInt8](repeating: secret, count: 20), issuer: issuer, account: "me")
    }
}

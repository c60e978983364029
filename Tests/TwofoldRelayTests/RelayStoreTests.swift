import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// The ``RelayStore`` contract, for every store (``StoreFactory``: SQLite, and PostgreSQL
/// when `TWOFOLD_TEST_POSTGRES_URL` is set): atomic writes, compare-and-swap, single use, quotas.
@Suite struct RelayStoreTests {
    let quotas = StoreQuotas(maxRecords: 100, maxRecordBytes: 100_000, maxSnapshots: 3, maxSnapshotBytes: 10_000)

    func newAccount(_ store: any RelayStore) async throws -> (AccountID, DeviceID) {
        let account = AccountID.random(), device = DeviceID.random()
        try await store.createAccount(NewAccount(
            accountID: account, device: DeviceKeys(deviceID: device, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
            recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: nil,
            grants: [GrantEntry(recipient: .device(device), sealed: [1]), GrantEntry(recipient: .recovery, sealed: [2])]),
            inviteHash: nil, nowMs: 1000)
        return (account, device)
    }

    func rec(_ id: RecordID, _ hlc: UInt64, _ device: DeviceID, expected: String?, epoch: Int64 = 1, size: Int = 32) -> RecordWrite {
        RecordWrite(recordID: id, kind: 1, version: RecordVersion(hlc: hlc, device: device).description, epoch: epoch, deleted: false,
                    sealed: [1] + SecureRandom.bytes(size - 1), expectedVersion: expected)
    }

    @Test(arguments: StoreFactory.allCases)
    func secretsAreCreatedOnceAndKept(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let a = try await store.secrets(), b = try await store.secrets()
        let token = AccessToken.issue(accountID: .random(), deviceID: .random(), nowMilliseconds: 1, secret: a.auth)
        try token.verify(secret: b.auth, nowMilliseconds: 2)
        try await store.rotateAuthSecret()
        let rotated = try await store.secrets()
        #expect(throws: ProtocolError.self) { try token.verify(secret: rotated.auth, nowMilliseconds: 2) }
    }

    @Test(arguments: StoreFactory.allCases)
    func aChallengeIsConsumedOnceEvenConcurrently(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: 0, secret: .generate())
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try await store.consume(challenge, nowMilliseconds: 0) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)  // [API-8]
    }

    /// [SYN-4]: the relay never purges a tombstone: not when it is written, not by the
    /// periodic purge of expired state however late it runs, not when later writes come.
    @Test(arguments: StoreFactory.allCases)
    func tombstonesAreNeverPurged(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let doomed = RecordID.random()
        let live = rec(doomed, 1 << 16, device, expected: nil)
        _ = try await store.push(account: account, device: device, writes: [live],
                                 head: HeadWrite(counter: 1, head: [1], expectedCounter: nil), quotas: quotas, nowMs: 1)
        var tombstone = rec(doomed, 2 << 16, device, expected: live.version)
        tombstone.deleted = true
        _ = try await store.push(account: account, device: device, writes: [tombstone],
                                 head: HeadWrite(counter: 2, head: [2], expectedCounter: 1), quotas: quotas, nowMs: 2)
        let nows: [Int64] = [3, 86_400_000 * 400, 86_400_000 * 365 * 50]
        for (i, now) in nows.enumerated() {
            try await store.purgeExpired(nowMs: now)
            _ = try await store.push(account: account, device: device, writes: [rec(.random(), UInt64(3 + i) << 16, device, expected: nil)],
                                     head: HeadWrite(counter: Int64(3 + i), head: [3], expectedCounter: Int64(2 + i)), quotas: quotas, nowMs: now)
        }
        let page = try await store.pull(account: account, after: 0, limit: 100)
        let kept = try #require(page.records.first { $0.recordID == doomed })
        #expect(kept.deleted && kept.version == tombstone.version && kept.sealed == tombstone.sealed)
        #expect(page.records.count == 4)
    }

    @Test(arguments: StoreFactory.allCases)
    func pagesEndAtTheirByteBudgetAndStillCoverTheAccount(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let big = StoreQuotas(maxRecords: 1000, maxRecordBytes: 10 << 20, maxSnapshots: 1, maxSnapshotBytes: 1)
        // 30 records of 4,137 sealed bytes (5,516 in base64url): about 170 KB of page JSON.
        let writes = (0..<30).map { _ in rec(.random(), 1 << 16, device, expected: nil, size: 4096 + 41) }
        _ = try await store.push(account: account, device: device, writes: writes,
                                 head: HeadWrite(counter: 1, head: [1], expectedCounter: nil), quotas: big, nowMs: 1)
        let maxBytes = 32 << 10
        var after: Int64 = 0, pages: [RecordPage] = []
        while true {
            let page = try await store.pull(account: account, after: after, limit: 1000, maxBytes: maxBytes)
            pages.append(page)
            guard page.more else { break }
            after = try #require(page.records.last?.seq)
            #expect(pages.count < 100)
        }
        let records = pages.flatMap(\.records)
        #expect(records.map(\.recordID) == writes.map(\.recordID))
        #expect(records.map(\.seq) == Array(1...30))
        #expect(pages.count == 6, "\(pages.map(\.records.count))")
        for page in pages {
            let encoded = page.records.map(PageBudget.encodedSize).reduce(0, +) + page.records.count - 1
            #expect(encoded <= maxBytes)
            #expect(page.encodedBody().readableBytes <= maxBytes + 1024)
            #expect(page.head == nil || !page.more)
        }
        #expect(pages.last?.head?.counter == 1)
        // A budget below one record still moves: one record a page.
        let tiny = try await store.pull(account: account, after: 0, limit: 1000, maxBytes: 4096)
        #expect(tiny.records.count == 1 && tiny.more)
        let last = try await store.pull(account: account, after: 29, limit: 1000, maxBytes: 4096)
        #expect(last.records.count == 1 && !last.more && last.head?.counter == 1)
    }

    @Test(arguments: StoreFactory.allCases)
    func aBatchIsAllOrNothing(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let a = RecordID.random(), b = RecordID.random()
        let first = try await store.push(account: account, device: device, writes: [rec(a, 1, device, expected: nil)],
                                         head: HeadWrite(counter: 1, head: [1], expectedCounter: nil), quotas: quotas, nowMs: 1)
        #expect(first.seq == 1)
        // b is new and fine, a's expectation is stale: nothing of the batch lands [API-19].
        await #expect(throws: RelayError.self) {
            try await store.push(account: account, device: device, writes: [rec(b, 2, device, expected: nil), rec(a, 2, device, expected: nil)],
                                 head: HeadWrite(counter: 2, head: [2], expectedCounter: 1), quotas: quotas, nowMs: 2)
        }
        let page = try await store.pull(account: account, after: 0, limit: 10)
        #expect(page.records.map(\.recordID) == [a])
        #expect(page.latestSeq == 1)
        #expect(page.head?.counter == 1)
        // Quotas are checked in the same transaction.
        let tight = StoreQuotas(maxRecords: 1, maxRecordBytes: 100_000, maxSnapshots: 1, maxSnapshotBytes: 1)
        do {
            _ = try await store.push(account: account, device: device, writes: [rec(b, 2, device, expected: nil)],
                                     head: HeadWrite(counter: 2, head: [2], expectedCounter: 1), quotas: tight, nowMs: 2)
            Issue.record("quota not enforced")
        } catch let e as RelayError {
            #expect(e.code == .quotaExceeded)
        }
        #expect(try await store.head(account: account)?.counter == 1)
    }

    @Test(arguments: StoreFactory.allCases)
    func seqOrderIsCommitOrderUnderConcurrentPushes(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let quotas = StoreQuotas(maxRecords: 10_000, maxRecordBytes: 10_000_000, maxSnapshots: 1, maxSnapshotBytes: 1)
        // Four writers race for the head (each retries after head_conflict) while a reader
        // pulls "after the last seq it has", as a device does. If a seq could commit after a
        // higher one, the reader would pass it and never get its record [SYN-20].
        let done = ManualRelayClock(startMs: 0)  // a shared flag: 1 once every writer is done
        async let writing: [RecordID] = withThrowingTaskGroup(of: [RecordID].self) { group in
            for w in 0..<4 {
                group.addTask {
                    var mine: [RecordID] = []
                    var hlc = UInt64(w) << 32
                    for _ in 0..<15 {
                        let ids = [RecordID.random(), RecordID.random()]
                        while true {
                            let counter = try await store.head(account: account)?.counter
                            hlc += 1
                            do {
                                _ = try await store.push(account: account, device: device, writes: ids.map { self.rec($0, hlc, device, expected: nil) },
                                                         head: HeadWrite(counter: (counter ?? 0) + 1, head: [1], expectedCounter: counter),
                                                         quotas: quotas, nowMs: 1)
                                break
                            } catch let e as RelayError where e.code == .headConflict {
                                continue
                            }
                        }
                        mine += ids
                    }
                    return mine
                }
            }
            let all = try await group.reduce(into: [RecordID]()) { $0 += $1 }
            done.advance(byMs: 1)
            return all
        }
        var cursor: Int64 = 0
        var seen: [RecordID] = []
        var finished = false
        while true {
            let last = finished
            let page = try await store.pull(account: account, after: cursor, limit: 7)
            #expect(page.records.map(\.seq) == page.records.map(\.seq).sorted())
            seen += page.records.map(\.recordID)
            cursor = page.records.last?.seq ?? cursor
            if last && !page.more { break }
            finished = done.nowMs == 1
        }
        let written = try await writing
        #expect(Set(seen) == Set(written) && seen.count == written.count)
        #expect(cursor == Int64(written.count))
    }

    @Test(arguments: StoreFactory.allCases)
    func aRevokedDeviceCannotWriteEvenIfTheCacheIsLate(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let rotation = Rotation(fromEpoch: 1, toEpoch: 2, revoke: [device], records: [], grants: [GrantEntry(recipient: .recovery, sealed: [3])],
                                recovery: nil, passphrase: .keep, head: HeadWrite(counter: 1, head: [1], expectedCounter: nil))
        let result = try await store.rotate(account: account, device: device, rotation: rotation, quotas: quotas, nowMs: 5)
        #expect(result.revoked == [device])
        do {
            _ = try await store.push(account: account, device: device, writes: [], head: HeadWrite(counter: 2, head: [2], expectedCounter: 1),
                                     quotas: quotas, nowMs: 6)
            Issue.record("a revoked device wrote")
        } catch let e as RelayError {
            #expect(e.code == .deviceRevoked)  // [API-13]
        }
        #expect(try await store.account(account)?.epoch == 2)
        #expect(try await store.grant(account: account, recipient: .device(device)) == nil)
    }

    @Test(arguments: StoreFactory.allCases)
    func rotationChecksEverythingBeforeChangingAnything(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let ids = (0..<3).map { _ in RecordID.random() }
        let writes = ids.map { rec($0, 1, device, expected: nil) }
        _ = try await store.push(account: account, device: device, writes: writes, head: HeadWrite(counter: 1, head: [1], expectedCounter: nil),
                                 quotas: quotas, nowMs: 1)
        let resealed = writes.map { (recordID: $0.recordID, version: $0.version, sealed: [UInt8]([1, 9, 9])) }
        let grants = [GrantEntry(recipient: .device(device), sealed: [5]), GrantEntry(recipient: .recovery, sealed: [6])]
        // Missing one record: refused, nothing changes [API-22].
        let partial = Rotation(fromEpoch: 1, toEpoch: 2, revoke: [], records: Array(resealed.prefix(2)), grants: grants, recovery: nil,
                               passphrase: .keep, head: HeadWrite(counter: 2, head: [2], expectedCounter: 1))
        await #expect(throws: RelayError.self) { try await store.rotate(account: account, device: device, rotation: partial, quotas: quotas, nowMs: 2) }
        let before = try await store.pull(account: account, after: 0, limit: 10)
        #expect(before.epoch == 1 && before.records.allSatisfy { $0.epoch == 1 && $0.sealed != [1, 9, 9] })
        let full = Rotation(fromEpoch: 1, toEpoch: 2, revoke: [], records: resealed, grants: grants, recovery: nil, passphrase: .keep,
                            head: HeadWrite(counter: 2, head: [2], expectedCounter: 1))
        let done = try await store.rotate(account: account, device: device, rotation: full, quotas: quotas, nowMs: 3)
        #expect(done.outcome.seq == 6)
        let after = try await store.pull(account: account, after: 0, limit: 10)
        #expect(after.epoch == 2 && after.records.allSatisfy { $0.epoch == 2 && $0.sealed == [1, 9, 9] })
        #expect(after.records.map(\.seq) == [4, 5, 6])
    }

    @Test(arguments: StoreFactory.allCases)
    func invitesAndAccountsForTheAdmin(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let admin = RelayAdmin(store: store, clock: ManualRelayClock(startMs: 1000))
        let invite = try await admin.createInvite(uses: 2, expiresInSeconds: 60, label: "reception-anna")
        #expect(try await admin.invites().map(\.id) == [invite.id])
        #expect(try await admin.invites().first?.label == "reception-anna")
        #expect(RelayAdmin.inviteTable(try await admin.invites()).contains("reception-anna"))

        // The invite's label goes to the account it creates; the device counts as seen.
        let labelled = AccountID.random(), device = DeviceID.random()
        try await store.createAccount(NewAccount(
            accountID: labelled, device: DeviceKeys(deviceID: device, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
            recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: nil,
            grants: [GrantEntry(recipient: .device(device), sealed: [1]), GrantEntry(recipient: .recovery, sealed: [2])]),
            inviteHash: InviteToken.hash(invite.token), nowMs: 5000)
        let summary = try #require(try await admin.accounts().first { $0.accountID == labelled })
        #expect(summary.label == "reception-anna" && summary.createdAtMs == 5000 && summary.lastSeenMs == 5000)
        #expect(summary.devices == 1 && !summary.disabled)

        #expect(try await admin.revokeInvite(id: invite.id))
        #expect(try await admin.invites().isEmpty)
        #expect(!(try await admin.revokeInvite(id: "zz")))
        await #expect(throws: ConfigurationError.self) { try await admin.createInvite(uses: 1, expiresInSeconds: nil, label: "a\u{1b}[2J") }
        await #expect(throws: ConfigurationError.self) { try await admin.createInvite(uses: 1, expiresInSeconds: nil, label: "") }

        // Suspension: the directory and every write refuse the account until it is enabled.
        #expect(try await admin.setDisabled(id: labelled.hex, true))
        #expect(try await admin.accounts().first { $0.accountID == labelled }?.disabled == true)
        #expect(try await store.deviceDirectory().disabledAccounts == [labelled])
        await #expect(throws: RelayError.accountDisabled) {
            try await store.putGrants(account: labelled, device: device, epoch: 1, grants: [], nowMs: 6000)
        }
        #expect(try await admin.setDisabled(id: labelled.hex, false))
        #expect(try await store.deviceDirectory().disabledAccounts.isEmpty)
        try await store.putGrants(account: labelled, device: device, epoch: 1, grants: [], nowMs: 7000)
        #expect(!(try await admin.setDisabled(id: AccountID.random().hex, true)))

        let (account, _) = try await newAccount(store)
        let list = RelayAdmin.accountTable(try await admin.accounts())
        #expect(list.contains(account.hex))
        #expect(try await admin.deleteAccount(id: account.hex))
        #expect(!(try await admin.deleteAccount(id: account.hex)))
        #expect(try await store.account(account) == nil)
        #expect(try await store.deviceDirectory().deletedAccounts.contains(account))
    }

    @Test(arguments: StoreFactory.allCases)
    func mailboxesAndRecoveryBuckets(_ factory: StoreFactory) async throws {
        let (store, cleanup) = try await factory.make()
        defer { cleanup() }
        let (account, device) = try await newAccount(store)
        let offer = LinkOffer(rendezvousID: SecureRandom.bytes(10),
                              device: DeviceKeys(deviceID: .random(), signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                              tag: SecureRandom.bytes(32))
        try await store.openMailbox(offer, collectHash: [7], expiresAtMs: 100, nowMs: 0)
        #expect(try await store.collectMailbox(rendezvousID: offer.rendezvousID, collectHash: [7], nowMs: 1) == nil)
        try await store.replyToMailbox(rendezvousID: offer.rendezvousID, account: account, from: device, epoch: 1, grant: [1], tag: [2], nowMs: 2)
        #expect(try await store.collectMailbox(rendezvousID: offer.rendezvousID, collectHash: [7], nowMs: 3)?.accountID == account)
        await #expect(throws: RelayError.self) { try await store.collectMailbox(rendezvousID: offer.rendezvousID, collectHash: [7], nowMs: 4) }
        let rule = RateLimiter.Rule(ratePerSecond: 1.0 / 3600, burst: 2)
        #expect(try await store.takeRecoveryTokens([("k", rule)], nowMs: 0) == nil)
        #expect(try await store.takeRecoveryTokens([("k", rule)], nowMs: 0) == nil)
        #expect(try await store.takeRecoveryTokens([("k", rule)], nowMs: 0) != nil)
        #expect(try await store.takeRecoveryTokens([("k", rule)], nowMs: 3_600_000) == nil)
    }
}

import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// `twofold-relay copy`: a SQLite relay moved to PostgreSQL arrives whole (issue 8).
@Suite(.enabled(if: PostgresTestServer.url != nil, "needs TWOFOLD_TEST_POSTGRES_URL (make test starts a server)"))
struct RelayStoreCopyTests {
    let quotas = StoreQuotas(maxRecords: 1000, maxRecordBytes: 1_000_000, maxSnapshots: 10, maxSnapshotBytes: 1_000_000)

    /// Fills a store with one of everything: accounts with and without a passphrase, active
    /// and revoked devices, records (tombstones too), heads, grants, snapshots, invites, a
    /// mailbox with a reply, a deleted account, a used challenge and a recovery bucket.
    func populate(_ store: any RelayStore) async throws -> [AccountID] {
        var accounts: [AccountID] = []
        for n in 0..<3 {
            let account = AccountID.random(), device = DeviceID.random(), other = DeviceID.random()
            let passphrase = n == 0 ? nil : PassphraseKeys(keys: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                                                          salt: SecureRandom.bytes(16), opsLimit: 3, memLimit: 268_435_456)
            var grants = [GrantEntry(recipient: .device(device), sealed: SecureRandom.bytes(80)),
                          GrantEntry(recipient: .recovery, sealed: SecureRandom.bytes(80))]
            if passphrase != nil { grants.append(GrantEntry(recipient: .passphrase, sealed: SecureRandom.bytes(80))) }
            try await store.createAccount(NewAccount(
                accountID: account, device: DeviceKeys(deviceID: device, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: passphrase,
                grants: grants), inviteHash: nil, nowMs: 1000 + Int64(n))
            // A second device by linking, then revoked by a rotation.
            let offer = LinkOffer(rendezvousID: SecureRandom.bytes(10),
                                  device: DeviceKeys(deviceID: other, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                                  tag: SecureRandom.bytes(32))
            try await store.openMailbox(offer, collectHash: SecureRandom.bytes(32), expiresAtMs: Int64.max / 2, nowMs: 1)
            try await store.replyToMailbox(rendezvousID: offer.rendezvousID, account: account, from: device, epoch: 1,
                                           grant: SecureRandom.bytes(80), tag: SecureRandom.bytes(32), nowMs: 2)
            try await store.touch(device: device, account: account, nowMs: 5000)
            let writes = (0..<(5 + n)).map { i in
                RecordWrite(recordID: .random(), kind: Int64(1 + i % 3), version: RecordVersion(hlc: UInt64(i + 1), device: device).description,
                            epoch: 1, deleted: i == 2, sealed: [1] + SecureRandom.bytes(40 + i), expectedVersion: nil)
            }
            _ = try await store.push(account: account, device: device, writes: writes,
                                     head: HeadWrite(counter: 1, head: SecureRandom.bytes(60), expectedCounter: nil), quotas: quotas, nowMs: 10)
            if n == 2 {
                let rotation = Rotation(fromEpoch: 1, toEpoch: 2, revoke: [other],
                                        records: writes.map { ($0.recordID, $0.version, [1] + SecureRandom.bytes(50)) },
                                        grants: grants.map { GrantEntry(recipient: $0.recipient, sealed: SecureRandom.bytes(80)) },
                                        recovery: nil, passphrase: .keep, head: HeadWrite(counter: 2, head: SecureRandom.bytes(60), expectedCounter: 1))
                _ = try await store.rotate(account: account, device: device, rotation: rotation, quotas: quotas, nowMs: 20)
            }
            _ = try await store.putSnapshot(account: account, device: device,
                                            upload: SnapshotUpload(snapshotID: .random(), epoch: n == 2 ? 2 : 1, createdAtMs: 30,
                                                                   sealed: SecureRandom.bytes(3000)), quotas: quotas, nowMs: 31)
            accounts.append(account)
        }
        let gone = try await populateDeleted(store)
        accounts.append(gone)
        try await store.createInvite(hash: SecureRandom.bytes(32), uses: 3, expiresAtMs: nil, label: "reception-anna", nowMs: 7)
        try await store.createInvite(hash: SecureRandom.bytes(32), uses: 1, expiresAtMs: Int64.max / 2, label: nil, nowMs: 8)
        let pending = LinkOffer(rendezvousID: SecureRandom.bytes(10),
                                device: DeviceKeys(deviceID: .random(), signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                                tag: SecureRandom.bytes(32))
        try await store.openMailbox(pending, collectHash: SecureRandom.bytes(32), expiresAtMs: Int64.max / 2, nowMs: 1)
        _ = try await store.takeRecoveryTokens([("recovery-account:x", RateLimiter.Rule(ratePerSecond: 1.0 / 3600, burst: 5))], nowMs: 100)
        _ = try await store.consume(AuthChallenge.issue(purpose: .device, nowMilliseconds: 0, secret: .generate()), nowMilliseconds: 0)
        return accounts
    }

    func populateDeleted(_ store: any RelayStore) async throws -> AccountID {
        let account = AccountID.random(), device = DeviceID.random()
        try await store.createAccount(NewAccount(
            accountID: account, device: DeviceKeys(deviceID: device, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
            recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: nil,
            grants: [GrantEntry(recipient: .device(device), sealed: [1]), GrantEntry(recipient: .recovery, sealed: [2])]),
            inviteHash: nil, nowMs: 1)
        #expect(try await store.deleteAccount(account, nowMs: 2))
        return account
    }

    /// Everything a store says about the accounts, through the ``RelayStore`` API.
    func describe(_ store: any RelayStore, _ accounts: [AccountID]) async throws -> String {
        var out: [String] = []
        let secrets = try await store.secrets()
        let token = AccessToken.issue(accountID: accounts[0], deviceID: try DeviceID(bytes: accounts[0].bytes), nowMilliseconds: 1, secret: secrets.auth)
        out.append("token \(token.text)")
        for account in accounts {
            guard let state = try await store.account(account) else { out.append("account \(account.hex) none"); continue }
            out.append("account \(state)")
            out.append("passphrase \(String(describing: try await store.passphraseKeys(account)))")
            out.append("page \(try await store.pull(account: account, after: 0, limit: 1000))")
            out.append("head \(String(describing: try await store.head(account: account)))")
            for recipient in [GrantRecipient.recovery, .passphrase] + state.devices.map({ .device($0.keys.deviceID) }) {
                out.append("grant \(recipient.text) \(String(describing: try await store.grant(account: account, recipient: recipient)))")
            }
            for device in state.devices {
                out.append("device \(String(describing: try await store.device(device.keys.deviceID, account: account)))")
            }
            for info in try await store.snapshots(account: account) {
                out.append("snapshot \(String(describing: try await store.snapshot(account: account, id: info.snapshotID)))")
            }
        }
        out.append("invites \(try await store.invites(nowMs: 9))")
        out.append("summaries \(try await store.accountSummaries())")
        let directory = try await store.deviceDirectory()
        out.append("directory \(directory.devices.map { "\($0.key.hex)=\($0.value.account.hex)/\($0.value.status)" }.sorted())")
        out.append("deleted \(directory.deletedAccounts.map(\.hex).sorted())")
        return out.joined(separator: "\n")
    }

    @Test func everythingArrivesIdenticalAndANonEmptyTargetIsRefused() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("copy-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try SQLiteRelayStore(directory: dir)
        let accounts = try await populate(source)
        let (location, drop) = try await PostgresTestServer.createDatabase()
        let target = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
        do {
            let report = try await RelayStoreCopy.copy(from: source, to: target)
            #expect(report.first { $0.table == "record" }?.rows == 18)
            #expect(report.first { $0.table == "device" }?.rows == 6)
            #expect(report.first { $0.table == "snapshot" }?.rows == 3)
            #expect(report.first { $0.table == "invite" }?.rows == 2)
            #expect(report.first { $0.table == "mailbox" }?.rows == 4)
            #expect(report.first { $0.table == "deleted_account" }?.rows == 1)
            #expect(report.first { $0.table == "rate_bucket" }?.rows == 1)
            #expect(report.first { $0.table == "used_challenge" }?.rows == 1)
            let expected = try await describe(source, accounts)
            let copied = try await describe(target, accounts)
            // Line by line, so a failure names what differs.
            let want = expected.split(separator: "\n"), got = copied.split(separator: "\n")
            #expect(want.count == got.count)
            for (w, g) in zip(want, got) where w != g {
                Issue.record("differs:\n  sqlite:   \(w.prefix(400))\n  postgres: \(g.prefix(400))")
            }
            // The secrets are the source's: its tokens verify on the target [API-5].
            #expect(try await target.secretBytes("auth_secret") == (try source.secretBytes("auth_secret")))
            #expect(try await target.secretBytes("decoy_secret") == (try source.secretBytes("decoy_secret")))
            // Writes go on where they left off: seqs and head counters continue.
            let state = try #require(try await target.account(accounts[0]))
            let device = state.devices[0].keys.deviceID
            let next = try await target.push(account: accounts[0], device: device, writes: [], head: HeadWrite(counter: 2, head: [9], expectedCounter: 1),
                                             quotas: quotas, nowMs: 50)
            #expect(next.seq == 5)
            // A second copy into the now non-empty database is refused, and changes nothing.
            await #expect {
                try await RelayStoreCopy.copy(from: source, to: target)
            } throws: { error in
                guard let error = error as? PostgresStoreError, case .notEmpty = error else { return false }
                return !error.description.contains("\n") && error.description.contains("copy only into a new, empty database")
            }
            #expect(try await target.accountSummaries().count == 3)
        } catch {
            await target.close()
            await drop()
            throw error
        }
        await target.close()
        await drop()
    }
}

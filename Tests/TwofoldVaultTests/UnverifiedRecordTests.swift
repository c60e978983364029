import GRDB
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

/// Copies a locked pull merged without opening them (v5-unverified; Protocol/sync.md,
/// "Applying a pull", step 7) [SYN-22]: the next round with `VK` opens them, forgets those
/// that open, and fetches again from the relay those that do not, replacing the damaged
/// copy once the relay serves one that opens.
@Suite struct UnverifiedRecordTests {
    /// Another device's copy of a token, sealed under the vault key.
    static func copy(_ vault: Vault, _ issuer: String, id: RecordID, hlc: UInt64) throws -> SealedRecord {
        let token = OTPToken(kind: .totp, secret: Array(issuer.utf8) + [UInt8](repeating: 9, count: 16), issuer: issuer, account: "me")
        let header = RecordHeader(account: vault.account, id: id, kind: .token,
                                  version: RecordVersion(hlc: hlc, device: try DeviceID(bytes: [UInt8](repeating: 0xb2, count: 16))),
                                  epoch: 1, deleted: false)
        return try RecordCipher.seal(payload: TokenPayload.encode(token), header: header, key: vault.currentKey)
    }

    @Test func aDamagedCopyMergedWhileLockedIsFetchedAgainAndRepaired() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        let store = vault.syncStore
        let good = try Self.copy(vault, "GitHub", id: .random(), hlc: 1 << 40)
        let intact = try Self.copy(vault, "Mail", id: .random(), hlc: 2 << 40)
        // The relay damages the ciphertext so that the damaged copy sorts after the good one:
        // the merge rule's tie-break alone would then keep it, and only step 7 repairs it.
        var damaged = intact
        let at = try #require((damaged.sealed.count / 2..<damaged.sealed.count).first { damaged.sealed[$0] < 0xff })
        damaged.sealed[at] = 0xff
        #expect(!Merge.wins(intact, over: damaged))
        let head = Head(account: vault.account, counter: 1, epoch: 1, records: [good.header, damaged.header], signer: vault.device)
            .signed(with: try store.signingKey())
        func pull(_ records: [(SealedRecord, UInt64)]) -> PulledSet {
            PulledSet(records: records.map { PulledRecord(record: $0.0, seq: $0.1) }, latestSeq: 2, epoch: 1, head: head)
        }

        // Locked: the metadata and the head check out, so both are merged, unopened.
        #expect(try store.applyPull(pull([(good, 1), (damaged, 2)]), keyring: nil).updated == 2)
        #expect(try store.unverifiedCount() == 2)
        #expect(try store.refetchPoint(keyring: vault.keyring) == 1)  // from just before seq 2
        #expect(try store.unverifiedCount() == 1)  // GitHub opened and was forgotten
        #expect(try vault.tokens().damaged.count == 1)

        // The relay still serves the damaged copy: refused, nothing changes.
        #expect(throws: ProtocolError.self) { try store.applyPull(pull([(damaged, 2)]), keyring: vault.keyring) }
        #expect(try store.unverifiedCount() == 1)
        #expect(try store.refetchPoint(keyring: vault.keyring) == 1)

        // Repaired: the good copy of the same version replaces the damaged one.
        #expect(try store.applyPull(pull([(intact, 2)]), keyring: vault.keyring).updated == 1)
        #expect(try store.unverifiedCount() == 0)
        #expect(try store.refetchPoint(keyring: vault.keyring) == nil)
        let listing = try vault.tokens()
        #expect(listing.damaged.isEmpty)
        #expect(listing.entries.map(\.token.issuer).sorted() == ["GitHub", "Mail"])
        #expect(try store.state()?.lastSeq == 2)
    }

    /// Unlocked, the repair applies only to a damaged, unverified copy: a pulled copy of the
    /// same version against a local copy that opens is decided by the merge rule alone
    /// (its tie-break on the sealed bytes, Protocol/sync.md, "Merge rule"), as before.
    @Test(arguments: 0..<8)
    func aCopyThatOpensIsLeftToTheMergeRule(_ round: Int) throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        let store = vault.syncStore
        let first = try Self.copy(vault, "GitHub", id: .random(), hlc: 1 << 40)
        let head = Head(account: vault.account, counter: 1, epoch: 1, records: [first.header], signer: vault.device)
            .signed(with: try store.signingKey())
        #expect(try store.applyPull(PulledSet(records: [PulledRecord(record: first, seq: 1)], latestSeq: 1, epoch: 1, head: head),
                                    keyring: vault.keyring).updated == 1)
        #expect(try store.unverifiedCount() == 0)  // opened on the way in
        // The same version sealed again (another nonce).
        let resealed = try RecordCipher.seal(payload: try vault.keyring.open(first), header: first.header, key: vault.currentKey)
        let outcome = try store.applyPull(PulledSet(records: [PulledRecord(record: resealed, seq: 1)], latestSeq: 1, epoch: 1, head: head),
                                          keyring: vault.keyring)
        let expected = Merge.wins(resealed, over: first) ? resealed : first
        #expect(outcome.updated == (expected == resealed ? 1 : 0))
        #expect(try store.transaction(write: false) { try VaultStore.fetchRecord(id: first.header.id, account: vault.account, $0) } == expected)
    }
}

extension SyncStore {
    /// How many copies a locked pull merged that no round with `VK` has opened yet.
    func unverifiedCount() throws -> Int {
        try transaction(write: false) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM unverified_records") ?? 0 }
    }
}

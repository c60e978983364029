import Foundation
import GRDB
import Testing
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

/// The device's side of Protocol/sync.md, "Read and write ordering": the clock reading a
/// write uses is committed with it [SYN-2], an HOTP code is shown only once its counter
/// record is committed [SYN-14], and neither tombstones [SYN-4] nor counter records
/// [SYN-5] are ever purged. Failures are injected with SQLite triggers, which abort the
/// write's own transaction as a full disk or an I/O error would.
@Suite struct WriteOrderingTests {
    /// A TOTP token with a secret of its own (the vault refuses a second token with one secret).
    static func token(_ issuer: String) -> OTPToken {
        VaultTokenTests.token(issuer, "alice", secret: Array("secret of \(issuer)".utf8))
    }

    static func clock(_ vault: Vault) throws -> UInt64 {
        try vault.syncStore.transaction(write: false) { try VaultStore.fetchMetadata($0).clock }
    }

    /// Makes every insert into `records` of `kind` fail until the returned closure runs.
    static func refuseInserts(_ tmp: TemporaryHome, kind: RecordKind) throws -> () throws -> Void {
        let queue = try DatabaseQueue(path: tmp.home.databasePath)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER injected_failure BEFORE INSERT ON records WHEN NEW.kind = \(kind.rawValue) BEGIN
                    SELECT RAISE(ABORT, 'injected: the disk refused the write');
                END
                """)
        }
        return {
            try queue.write { db in try db.execute(sql: "DROP TRIGGER injected_failure") }
            try queue.close()
        }
    }

    /// [SYN-2]: the reading a write takes is in the store once the write is, and not before
    /// or without it: a write that fails leaves the clock as it was, and a reopened vault
    /// (a restart) never issues a reading it already used.
    @Test func theClockReadingIsCommittedWithItsWrite() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let first = try vault.add(Self.token("GitHub"))
        #expect(try Self.clock(vault) == first.version.hlc)

        let restore = try Self.refuseInserts(tmp, kind: .token)
        #expect(throws: VaultError.self) { try vault.add(Self.token("Mail")) }
        #expect(try Self.clock(vault) == first.version.hlc, "a failed write moved the clock")
        try restore()

        let reopened = try Vault.open(home: tmp.home) { "" }
        var seen: Set<UInt64> = [first.version.hlc]
        for issuer in ["A", "B", "C"] {
            let entry = try reopened.add(Self.token(issuer))
            #expect(seen.insert(entry.version.hlc).inserted, "reading \(entry.version.hlc) issued twice")
            #expect(entry.version.hlc > first.version.hlc)
            #expect(try Self.clock(reopened) == entry.version.hlc)
        }
    }

    /// [SYN-14]: a code comes only from a committed counter record. When the record cannot
    /// be written, no code is returned, and the counter it would have used is still the
    /// next one (nothing was shown, so nothing was spent).
    @Test func anHOTPCodeIsShownOnlyOnceItsCounterIsCommitted() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let entry = try vault.add(OTPToken(kind: .hotp, secret: VaultHOTPTests.secret, issuer: "VPN", account: "a", counter: 0))
        let restore = try Self.refuseInserts(tmp, kind: .hotpCounter)
        #expect(throws: VaultError.self) { try vault.useHOTP(id: entry.id) }
        #expect(try vault.peekHOTPCounter(id: entry.id) == 0)
        try restore()
        let used = try Vault.open(home: tmp.home) { "" }.useHOTP(id: entry.id)
        #expect(used.counter == 0 && used.code == VaultHOTPTests.rfcCodes[0])
        #expect(try vault.peekHOTPCounter(id: entry.id) == 1)
    }

    /// [SYN-4], [SYN-5]: removing a token writes a tombstone and keeps it; the token's HOTP
    /// counter record stays as it was, neither deleted nor tombstoned, so re-adding the same
    /// secret later can never go back to a used counter through a stale copy elsewhere.
    @Test func tombstonesAndCounterRecordsAreKept() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let totp = try vault.add(Self.token("GitHub"))
        let hotp = try vault.add(OTPToken(kind: .hotp, secret: VaultHOTPTests.secret, issuer: "VPN", account: "a", counter: 0))
        _ = try vault.useHOTP(id: hotp.id)
        _ = try vault.useHOTP(id: hotp.id)
        try vault.remove(id: totp.id)
        try vault.remove(id: hotp.id)
        // Many writes later, and after a reopen, both tombstones and the counter are there.
        for issuer in (0..<20).map({ "Later\($0)" }) { try vault.add(Self.token(issuer)) }
        let reopened = try Vault.open(home: tmp.home) { "" }
        let records = try reopened.syncStore.transaction(write: false) { db in
            (try VaultStore.fetchRecords(kind: .token, account: reopened.account, db),
             try VaultStore.fetchRecords(kind: .hotpCounter, account: reopened.account, db))
        }
        let tombstones = records.0.filter(\.header.deleted).map(\.header.id)
        #expect(Set(tombstones) == [totp.id, hotp.id])
        #expect(records.1.count == 1)
        let counter = try #require(records.1.first)
        #expect(!counter.header.deleted)
        #expect(try CounterPayload(decoding: try reopened.open(counter)) == CounterPayload(token: hotp.id, next: 2))
    }
}

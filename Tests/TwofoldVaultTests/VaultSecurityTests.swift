import Foundation
import GRDB
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

@Suite("Vault keys and integrity")
struct VaultSecurityTests {
    @Test func passphraseUnlocksAndWrongOneChangesNothing() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: "correct horse")
        try vault.add(VaultTokenTests.token("GitHub", "alice"))
        let before = tmp.snapshot()
        #expect(throws: VaultError.wrongPassphrase) { try Vault.open(home: tmp.home) { "wrong horse" } }
        #expect(tmp.snapshot() == before)
        let reopened = try Vault.open(home: tmp.home) { "correct horse" }
        #expect(try reopened.tokens().entries.count == 1)
        try reopened.changePassphrase(to: "battery staple")
        #expect(throws: VaultError.wrongPassphrase) { try Vault.open(home: tmp.home) { "correct horse" } }
        #expect(try Vault.open(home: tmp.home) { "battery staple" }.tokens().entries.count == 1)
    }

    @Test func keyFileVaultGainsAPassphrase() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        try vault.add(VaultTokenTests.token("GitHub", "alice"))
        try vault.changePassphrase(to: "now with a passphrase")
        #expect(!FileManager.default.fileExists(atPath: tmp.home.keyFilePath))
        #expect(try Vault.open(home: tmp.home) { "now with a passphrase" }.tokens().entries.count == 1)
    }

    /// [CRY-14]: the key file is created with mode 0600, in a home only its owner can enter,
    /// whatever the umask; so is the store beside it.
    @Test func theKeyFileAndTheStoreAreTheOwnersOnly() throws {
        let tmp = TemporaryHome()
        let old = umask(0)  // the most permissive umask: the modes must not come from it
        defer { umask(old) }
        _ = try Vault.create(home: tmp.home, passphrase: nil)
        func mode(_ path: String) throws -> mode_t {
            var st = stat()
            try #require(stat(path, &st) == 0, "\(path)")
            return st.st_mode & 0o777
        }
        #expect(try mode(tmp.home.keyFilePath) == 0o600)
        #expect(try mode(tmp.home.databasePath) == 0o600)
        #expect(try mode(tmp.home.path) == 0o700)
    }

    /// [CRY-16]: a change of local passphrase re-wraps the vault key of every epoch in one
    /// transaction. A failure halfway (the second key's write refused by a trigger, as a
    /// full disk or a crash would) leaves every old wrapping, so the old passphrase still
    /// opens every epoch and the new one opens nothing.
    @Test func aPassphraseChangeReWrapsEveryEpochAllOrNothing() throws {
        let tmp = TemporaryHome()
        let vault = try VaultRotationTests.syncedVault(tmp)
        let grant = try Grant.seal(vaultKey: SecureBytes.random(count: 32), account: vault.account, epoch: 2,
                                   to: try vault.deviceBoxKeyPair().publicKey)
        #expect(try vault.adoptEpoch(2, grant: grant))
        try vault.add(VaultTokenTests.token("Epoch2", "alice"))
        try vault.changePassphrase(to: "first")
        let first = try Vault.open(home: tmp.home) { "first" }
        #expect(first.hasKey(epoch: 1) && first.hasKey(epoch: 2))
        #expect(try first.tokens().entries.count == 3 && first.tokens().damaged.isEmpty)

        let queue = try DatabaseQueue(path: tmp.home.databasePath)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE injected_writes (n INTEGER NOT NULL);
                INSERT INTO injected_writes VALUES (0);
                CREATE TRIGGER injected_failure BEFORE INSERT ON vault_keys BEGIN
                    UPDATE injected_writes SET n = n + 1;
                    SELECT RAISE(ABORT, 'injected: the second key cannot be written') WHERE (SELECT n FROM injected_writes) >= 2;
                END;
                """)
        }
        #expect(throws: VaultError.self) { try first.changePassphrase(to: "second") }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT n FROM injected_writes") } == 0)  // rolled back whole
        try queue.write { db in try db.execute(sql: "DROP TRIGGER injected_failure; DROP TABLE injected_writes") }
        try queue.close()
        #expect(throws: VaultError.wrongPassphrase) { try Vault.open(home: tmp.home) { "second" } }
        let again = try Vault.open(home: tmp.home) { "first" }
        #expect(again.hasKey(epoch: 1) && again.hasKey(epoch: 2))
        #expect(try again.tokens().entries.count == 3 && again.tokens().damaged.isEmpty)
    }

    @Test func missingOrForeignKeyFileIsRefused() throws {
        let tmp = TemporaryHome()
        _ = try Vault.create(home: tmp.home, passphrase: nil)
        let original = try #require(FileManager.default.contents(atPath: tmp.home.keyFilePath))
        try FileManager.default.removeItem(atPath: tmp.home.keyFilePath)
        #expect(throws: VaultError.keyFileMissing(path: tmp.home.keyFilePath)) { try Vault.open(home: tmp.home) { "" } }
        let other = TemporaryHome()
        _ = try Vault.create(home: other.home, passphrase: nil)
        try FileManager.default.copyItem(atPath: other.home.keyFilePath, toPath: tmp.home.keyFilePath)
        #expect(throws: VaultError.keyFileInvalid(path: tmp.home.keyFilePath)) { try Vault.open(home: tmp.home) { "" } }
        try FileManager.default.removeItem(atPath: tmp.home.keyFilePath)
        FileManager.default.createFile(atPath: tmp.home.keyFilePath, contents: original, attributes: [.posixPermissions: 0o600])
        #expect(try Vault.open(home: tmp.home) { "" }.tokens().entries.isEmpty)
    }

    @Test func tamperedRecordIsReportedAndNeverUsed() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let victim = try vault.add(VaultTokenTests.token("Victim", "a", secret: [1]))
        try vault.add(VaultTokenTests.token("Healthy", "b", secret: [2]))
        try vault.store.write { db in
            // Flip one ciphertext bit, as a bad disk or a hostile copy would.
            var sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM records WHERE id = ?", arguments: [Data(victim.id.bytes)])!
            sealed[40] ^= 1
            try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [sealed, Data(victim.id.bytes)])
        }
        let listing = try vault.tokens()
        #expect(listing.entries.map(\.token.issuer) == ["Healthy"])
        #expect(listing.damaged.count == 1)
    }

    @Test func swappedHeaderFieldFailsAuthentication() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        let entry = try vault.add(VaultTokenTests.token("Victim", "a", secret: [1]))
        try vault.store.write { db in
            try db.execute(sql: "UPDATE records SET deleted = 1 WHERE id = ?", arguments: [Data(entry.id.bytes)])
        }
        // A relay or disk thief cannot turn a live record into a tombstone, or back.
        let records = try vault.store.read { try VaultStore.fetchRecords(kind: .token, account: vault.account, $0) }
        #expect(throws: VaultError.self) { try vault.open(records[0]) }
    }

    @Test func newerStoreIsRefused() throws {
        let tmp = TemporaryHome()
        _ = try Vault.create(home: tmp.home, passphrase: nil)
        let queue = try DatabaseQueue(path: tmp.home.databasePath)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        #expect(throws: VaultError.newerFormat) { try Vault.open(home: tmp.home) { "" } }
    }

    @Test func secondInitIsRefused() throws {
        let tmp = TemporaryHome()
        _ = try Vault.create(home: tmp.home, passphrase: nil)
        let before = tmp.snapshot()
        #expect(throws: VaultError.alreadyInitialized(home: tmp.home.path)) { try Vault.create(home: tmp.home, passphrase: nil) }
        #expect(tmp.snapshot() == before)
    }
}

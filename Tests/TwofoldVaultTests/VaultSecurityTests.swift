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

import Foundation
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
@testable import TwofoldVault

/// Backup files of a vault, and new vaults made from them (Protocol/crypto.md, "Backup
/// file"; Protocol/devices.md, "Restoring from a backup file").
@Suite struct VaultBackupTests {
    static let hotpSecret = Array("12345678901234567890".utf8)

    /// A vault attached (locally) to an account, with a TOTP, a used HOTP token, a Steam
    /// token and a deleted one; returns it with its recovery key.
    func accountVault(_ tmp: TemporaryHome) throws -> (Vault, RecoveryKey) {
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        _ = try vault.add(OTPToken(kind: .totp, secret: SecureRandom.bytes(20), issuer: "Clinic: Desk", account: "anna@example.org",
                                   algorithm: .sha256, digits: 8, period: 60, tags: ["desk", "work"], note: "reception"))
        let hotp = try vault.add(OTPToken(kind: .hotp, secret: Self.hotpSecret, issuer: "VPN", account: "anna", counter: 5))
        for _ in 0..<3 { _ = try vault.useHOTP(id: hotp.id) }
        _ = try vault.add(OTPToken(kind: .steam, secret: SecureRandom.bytes(20), issuer: "Steam", account: "anna"))
        let gone = try vault.add(OTPToken(kind: .totp, secret: SecureRandom.bytes(10), issuer: "Old", account: "x"))
        try vault.remove(id: gone.id)
        let draft = try vault.attach(relayURL: "https://relay.example.org", deviceName: "laptop")
        return (vault, draft.recoveryKey)
    }

    @Test func aBackupRestoresEveryTokenExactlyIntoANewVaultWithTheWordsAlone() throws {
        let tmp = TemporaryHome(), target = TemporaryHome()
        let (vault, recovery) = try accountVault(tmp)
        let file = try vault.sealBackup(relayURL: "https://relay.example.org", passphraseParameters: nil, createdMilliseconds: 1_767_225_600_000)
        let words = try RecoveryKey(words: recovery.words.joined(separator: "  \n"))
        let restored = try Vault.restoreBackup(file, kind: .recoveryKey, keys: words.keyPairs, home: target.home, passphrase: nil)
        #expect(restored.tokens == 3 && restored.damaged == 0)
        #expect(restored.header.relayURL == "https://relay.example.org")
        let before = try vault.tokens().entries.sorted { $0.id < $1.id }
        let after = try restored.vault.tokens().entries.sorted { $0.id < $1.id }
        #expect(after.map(\.id) == before.map(\.id))
        #expect(after.map(\.token) == before.map(\.token))
        // The HOTP counter carries over: the next code is the one the old vault would give.
        let hotp = try #require(before.first { $0.token.kind == .hotp })
        #expect(try restored.vault.peekHOTPCounter(id: hotp.id) == 8)
        #expect(try vault.peekHOTPCounter(id: hotp.id) == 8)
        // A new local vault: another account, no relay, no roster.
        #expect(restored.vault.account != vault.account)
        #expect(try restored.vault.syncStore.state() == nil)
        #expect(try restored.vault.roster() == nil)
    }

    @Test func theAccountPassphraseOpensItToo() throws {
        let tmp = TemporaryHome(), target = TemporaryHome()
        let (vault, _) = try accountVault(tmp)
        // The passphrase's keys, as `passphrase set-recovery` puts them in the roster.
        let parameters = try PassphraseParameters(salt: SecureRandom.bytes(16), cost: .moderate)
        let keys = try parameters.keyPairs(passphrase: "a long account passphrase of six words")
        var roster = try #require(try vault.roster())
        roster.passphrase = keys.publicKeys
        roster.passphraseCheck = keys.check
        try vault.store.write { db in try vault.writeRoster(roster, db) }
        let file = try vault.sealBackup(relayURL: "https://relay.example.org", passphraseParameters: parameters, createdMilliseconds: 1)
        #expect(try BackupFile.header(of: file).holders.map(\.kind) == [.recoveryKey, .passphrase])
        let restored = try Vault.restoreBackup(file, kind: .passphrase, keys: keys, home: target.home, passphrase: "local")
        #expect(restored.tokens == 3)
        guard case .passphrase = try Vault.protection(home: target.home) else {
            Issue.record("the restored vault is not protected by the local passphrase")
            return
        }
    }

    /// [CRY-21]: the account's public keys are public, so anyone can seal a file to them; a
    /// file whose roster lacks the check value of the opening key is refused, and nothing is
    /// written.
    @Test func aFileSealedByAnyoneElseIsRefused() throws {
        let tmp = TemporaryHome(), target = TemporaryHome()
        let (vault, recovery) = try accountVault(tmp)
        let account = vault.account
        let forgedKey = SecureBytes.random(count: 32)
        // A relay's forgery: the real recovery public keys, a check value it made up.
        let roster = try Roster(recovery: recovery.keyPairs.publicKeys, passphrase: nil, devices: [
            Roster.Device(id: DeviceID.random(), signingKey: Ed25519KeyPair.generate().publicKey,
                          boxKey: X25519KeyPair.generate().publicKey, addedMilliseconds: 1, name: "relay")],
            recoveryCheck: RecoveryKey.generate().keyPairs.check)
        let rosterRecord = try RecordCipher.seal(payload: roster.encoded(), header: RecordHeader(
            account: account, id: Roster.recordID(account: account), kind: .roster,
            version: RecordVersion(hlc: 1 << 16, device: DeviceID.random()), epoch: 1, deleted: false), key: forgedKey)
        let box = recovery.keyPairs.box.publicKey
        let forged = try BackupFile.seal([rosterRecord], account: account, epoch: 1, createdMilliseconds: 1, relayURL: "https://r",
                                         recipients: [.init(kind: .recoveryKey, boxKey: box,
                                                            vaultKeyGrant: try Grant.seal(vaultKey: forgedKey, account: account, epoch: 1, to: box))])
        #expect(throws: VaultError.self) {
            try Vault.restoreBackup(forged, kind: .recoveryKey, keys: recovery.keyPairs, home: target.home, passphrase: nil)
        }
        #expect(!target.home.hasVault)
        // Wrong words: refused before anything is written.
        let file = try vault.sealBackup(relayURL: "https://r", passphraseParameters: nil, createdMilliseconds: 1)
        #expect(throws: ProtocolError.self) {
            try Vault.restoreBackup(file, kind: .recoveryKey, keys: RecoveryKey.generate().keyPairs, home: target.home, passphrase: nil)
        }
        #expect(!target.home.hasVault)
    }

    @Test func aLocalVaultWithoutWordsHasNoBackup() throws {
        let tmp = TemporaryHome()
        let vault = try Vault.create(home: tmp.home, passphrase: nil)
        #expect(throws: VaultError.self) { try vault.sealBackup(relayURL: "https://r", passphraseParameters: nil, createdMilliseconds: 1) }
    }

    /// What a locked daemon writes (daemon.md, "Backups"): the same file, from the sealed
    /// records and the holders kept while the vault was open, with no key at hand.
    @Test func withoutTheKeyTheKeptHoldersSealTheSameRestorableFile() throws {
        let tmp = TemporaryHome(), target = TemporaryHome()
        let (vault, recovery) = try accountVault(tmp)
        let locked = try SyncStore.open(home: tmp.home)
        #expect(throws: VaultError.self) { try locked.sealScheduledBackup(relayURL: "https://r.example", createdMilliseconds: 1) }
        try vault.refreshBackupHolders()
        let holders = try locked.backupHolders().holders
        #expect(holders.map(\.kind) == [.recoveryKey])
        #expect(holders.allSatisfy { $0.epoch == vault.currentEpoch })
        let file = try locked.sealScheduledBackup(relayURL: "https://r.example", createdMilliseconds: 1_767_225_600_000)
        let restored = try Vault.restoreBackup(file, kind: .recoveryKey, keys: recovery.keyPairs, home: target.home, passphrase: nil)
        #expect(try restored.vault.tokens().entries.map(\.token).sorted { $0.issuer < $1.issuer }
                == (try vault.tokens().entries.map(\.token).sorted { $0.issuer < $1.issuer }))
        // Nothing changed: refreshing again is a read, and the holders stay as they were.
        try vault.refreshBackupHolders()
        #expect(try locked.backupHolders().holders == holders)
    }

    @Test func backupFileNamesSayAccountTimeAndWhoWroteThem() throws {
        let account = AccountID.random()
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        let scheduled = BackupFileName.name(account: account, at: date, scheduled: true)
        #expect(scheduled == "twofold-backup-\(account.hex.prefix(8))-20260101T000000Z.scheduled.tfbackup")
        let parsed = try #require(BackupFileName.parse(scheduled))
        #expect(parsed.account == String(account.hex.prefix(8)) && parsed.createdMilliseconds == 1_767_225_600_000 && parsed.scheduled)
        #expect(BackupFileName.parse(BackupFileName.name(account: account, at: date, scheduled: false))?.scheduled == false)
        for other in ["notes.txt", "twofold-backup-.tfbackup", "twofold-backup-zzzzzzzz-20260101T000000Z.tfbackup",
                      "twofold-backup-12345678-2026.tfbackup", "twofold-backup-12345678-20260101T000000Z-x.tfbackup"] {
            #expect(BackupFileName.parse(other) == nil, "\(other)")
        }
    }
}

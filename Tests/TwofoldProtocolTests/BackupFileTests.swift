import Foundation
import Testing
import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol

/// Backup files (Protocol/crypto.md, "Backup file"): writer, reader and the reader's order.
@Suite struct BackupFileTests {
    let account = AccountID.random()
    let vaultKey = SecureBytes.random(count: 32)
    let recovery = RecoveryKey.generate()

    func records(_ count: Int) throws -> [SealedRecord] {
        try (0..<count).map { i in
            let token = OTPToken(kind: .totp, secret: SecureRandom.bytes(20), issuer: "Issuer \(i)", account: "user\(i)@example.org")
            let header = RecordHeader(account: account, id: RecordID.random(), kind: .token,
                                      version: RecordVersion(hlc: UInt64(i + 1) << 16, device: DeviceID.random()), epoch: 1, deleted: false)
            return try RecordCipher.seal(payload: TokenPayload.encode(token), header: header, key: vaultKey)
        }
    }

    func recoveryRecipient() throws -> BackupFile.Recipient {
        let box = recovery.keyPairs.box.publicKey
        return BackupFile.Recipient(kind: .recoveryKey, boxKey: box,
                                    vaultKeyGrant: try Grant.seal(vaultKey: vaultKey, account: account, epoch: 1, to: box))
    }

    func seal(_ records: [SealedRecord]) throws -> [UInt8] {
        try BackupFile.seal(records, account: account, epoch: 1, createdMilliseconds: 1_767_225_600_000,
                            relayURL: "https://relay.example.org", recipients: [try recoveryRecipient()])
    }

    @Test func roundTripsEveryRecordWithTheWordsAlone() throws {
        let sealed = try records(50)
        let file = try seal(sealed)
        let words = recovery.words.joined(separator: " ")
        let (header, key, opened) = try BackupFile.open(file, kind: .recoveryKey, keys: try RecoveryKey(words: words).keyPairs)
        #expect(header.account == account && header.epoch == 1 && header.relayURL == "https://relay.example.org")
        #expect(key == vaultKey)
        #expect(opened.map(\.header) == sealed.sorted { $0.header.id < $1.header.id }.map(\.header))
        for record in opened { _ = try RecordCipher.open(record, key: key) }
    }

    @Test func twoFilesOfTheSameVaultShareNoKeyOrNonce() throws {
        let sealed = try records(3)
        let a = try seal(sealed), b = try seal(sealed)
        #expect(a.count == b.count && a != b)
        #expect(Array(a.suffix(200)) != Array(b.suffix(200)))
    }

    /// [CRY-21]: framing before keys, the key seal before the body, the body before the grant.
    @Test func openerChecksInOrder() throws {
        let file = try seal(try records(2))
        let keys = recovery.keyPairs
        let wrong = RecoveryKey.generate().keyPairs
        // A damaged body with the wrong words: the words are blamed, not the file.
        var damaged = file; damaged[damaged.count - 10] ^= 1
        #expect(outcome { try BackupFile.open(damaged, kind: .recoveryKey, keys: wrong) } == "authentication: backup key")
        #expect(outcome { try BackupFile.open(damaged, kind: .recoveryKey, keys: keys) } == "authentication: backup contents")
        // Framing is checked before any key is used, so a truncated file with the wrong words is a parse failure.
        #expect(outcome { try BackupFile.open(Array(file.prefix(300)), kind: .recoveryKey, keys: wrong) } == "malformed: backup")
        #expect(outcome { try BackupFile.open(Array("not a backup".utf8), kind: .recoveryKey, keys: keys) } == "malformed: backup")
        #expect(outcome { try BackupFile.open(file, kind: .passphrase, keys: keys) } == "malformed: backup")
        // A grant for another epoch under this header: the binding check at the end.
        var recipient = try recoveryRecipient()
        recipient.vaultKeyGrant = try Grant.seal(vaultKey: vaultKey, account: account, epoch: 2, to: recipient.boxKey)
        let mismatched = try BackupFile.seal(try records(1), account: account, epoch: 1, createdMilliseconds: 1,
                                             relayURL: "https://r", recipients: [recipient])
        #expect(outcome { try BackupFile.open(mismatched, kind: .recoveryKey, keys: keys) } == "binding: grant")
    }

    /// [CRY-13] through the header: a file cannot make a reader run Argon2id at any cost.
    @Test func anExcessivePassphraseCostIsRefusedBeforeArgon2idRuns() throws {
        let parameters = try PassphraseParameters(salt: SecureRandom.bytes(16), cost: Argon2id.Cost(opsLimit: 3, memLimit: 1 << 40))
        let passphraseKeys = try PassphraseParameters(salt: parameters.salt, cost: Argon2id.Cost(opsLimit: 1, memLimit: 8192))
            .keyPairs(passphrase: "some words")
        let passphrase = BackupFile.Recipient(
            kind: .passphrase, boxKey: passphraseKeys.box.publicKey,
            vaultKeyGrant: try Grant.seal(vaultKey: vaultKey, account: account, epoch: 1, to: passphraseKeys.box.publicKey),
            passphrase: parameters)
        let file = try BackupFile.seal(try records(1), account: account, epoch: 1, createdMilliseconds: 1,
                                       relayURL: "https://r", recipients: [try recoveryRecipient(), passphrase])
        let header = try BackupFile.header(of: file)
        let start = Date()
        #expect(throws: ProtocolError.self) { try header.holder(.passphrase)!.passphrase!.keyPairs(passphrase: "some words") }
        #expect(Date().timeIntervalSince(start) < 1, "refused without running Argon2id")
    }

    @Test func theWriterRefusesARecordOfAnotherEpochOrAccount() throws {
        var other = try records(1)[0]
        other = SealedRecord(header: RecordHeader(account: account, id: other.header.id, kind: .token, version: other.header.version,
                                                  epoch: 2, deleted: false), sealed: other.sealed)
        #expect(throws: ProtocolError.self) { try seal([other]) }
        #expect(throws: ProtocolError.self) {
            try BackupFile.seal([], account: account, epoch: 1, createdMilliseconds: 1, relayURL: "https://r", recipients: [])
        }
    }

    /// Hostile input: every prefix and every single-byte change of a real file is refused
    /// with a ProtocolError, never a crash, and never opens.
    @Test func everyTruncationAndByteFlipIsRefused() throws {
        let file = try seal(try records(1))
        let keys = recovery.keyPairs
        for length in stride(from: 0, to: file.count, by: 97) {
            #expect(throws: ProtocolError.self) { try BackupFile.open(Array(file.prefix(length)), kind: .recoveryKey, keys: keys) }
        }
        for index in stride(from: 0, to: file.count, by: 61) {
            var changed = file; changed[index] ^= 0x40
            #expect(throws: ProtocolError.self) { try BackupFile.open(changed, kind: .recoveryKey, keys: keys) }
        }
    }

    /// The failure class and the `what` of an error, for the order test.
    func outcome(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "success" } catch let error as ProtocolError {
            switch error {
            case .malformed(let what, _): return "malformed: \(what)"
            case .authenticationFailed(let what): return "authentication: \(what.split(separator: " ").prefix(2).joined(separator: " "))"
            case .bindingMismatch(let what, _): return "binding: \(what)"
            default: return "\(error)"
            }
        } catch { return "\(error)" }
    }
}

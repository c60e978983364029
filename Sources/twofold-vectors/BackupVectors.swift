@_spi(TestVectors) import TwofoldProtocol
@_spi(TestVectors) import TwofoldCrypto

/// `backups/`: backup files (Protocol/crypto.md, "Backup file").
///
/// Header: `opens-with` (`recovery-key` or `passphrase`) and the secret: `recovery-key`
/// (32 bytes, hex) or `passphrase` (text; its salt and cost are in the file). On success
/// also `account-id`, `epoch`, `created-ms`, `relay-url`, `vault-key` (what the holder's
/// grant opens to) and one `record:` line per record of the image, in order; every record
/// opens with `vault-key`. Data: the file, hex.
enum BackupVectors: VectorFamily {
    static let directory = "backups"
    typealias F = Fixtures

    static let recovery = try! RecoveryKey(secret: SecureBytes(Seed.bytes("backups/recovery-key")))
    static let otherRecovery = try! RecoveryKey(secret: SecureBytes(Seed.bytes("backups/other-recovery-key")))
    static let passphrase = "correct horse battery staple"
    /// libsodium's smallest Argon2id cost, so a reader of the vectors runs it in milliseconds;
    /// real writers use at least MODERATE ([CRY-11]).
    static let parameters = try! PassphraseParameters(salt: Seed.bytes("backups/salt", 16),
                                                      cost: Argon2id.Cost(opsLimit: 1, memLimit: 8192))
    static let passphraseKeys = try! parameters.keyPairs(passphrase: passphrase)
    static let created = F.now + 7_200_000
    static let relay = "https://relay.example.org"

    static func record(_ label: String, _ payload: [UInt8], kind: RecordKind = .token, id: RecordID? = nil,
                       deleted: Bool = false, account: AccountID = F.account) -> SealedRecord {
        let h = F.header(id: id ?? (try! RecordID(bytes: Seed.bytes("backups/record/\(label)", 16))), kind: kind,
                         hlc: F.hlc(F.now, UInt64(label.count)), epoch: 1, deleted: deleted, account: account)
        return F.seal(payload, h, key: F.vaultKey1, nonceLabel: "backups/\(label)")
    }

    static let roster = try! Roster(
        recovery: recovery.keyPairs.publicKeys, passphrase: passphraseKeys.publicKeys,
        devices: [Roster.Device(id: F.deviceA, signingKey: F.signing("a").publicKey, boxKey: F.box("a").publicKey,
                                addedMilliseconds: F.now, name: "laptop")],
        recoveryCheck: recovery.keyPairs.check, passphraseCheck: passphraseKeys.check)

    static let records = [
        record("totp", TokenPayload.encode(F.totp)),
        record("hotp", TokenPayload.encode(F.hotp)),
        record("deleted", [], deleted: true),
        record("roster", roster.encoded(), kind: .roster, id: Roster.recordID(account: F.account)),
    ]

    static func grant(to keys: AccountKeyPairs, epoch: UInt32 = 1, label: String) -> [UInt8] {
        try! Grant.seal(vaultKey: SecureBytes(F.vaultKey1), account: F.account, epoch: epoch, to: keys.box.publicKey,
                        ephemeralSeed: Seed.bytes("backups/grant/\(label)"))
    }

    static func seal(_ label: String, withPassphrase: Bool = true, account: AccountID = F.account,
                     grantEpoch: UInt32 = 1) -> [UInt8] {
        var recipients = [BackupFile.Recipient(kind: .recoveryKey, boxKey: recovery.keyPairs.box.publicKey,
                                               vaultKeyGrant: grant(to: recovery.keyPairs, epoch: grantEpoch, label: "\(label)/recovery"))]
        if withPassphrase {
            recipients.append(BackupFile.Recipient(kind: .passphrase, boxKey: passphraseKeys.box.publicKey,
                                                   vaultKeyGrant: grant(to: passphraseKeys, label: "\(label)/passphrase"),
                                                   passphrase: parameters))
        }
        // Another account's file (its key seal names that account) is made of that account's records.
        let contents = account == F.account ? records : records.map { record($0.header.id.hex, [], id: $0.header.id, deleted: true, account: account) }
        let sealed = try! BackupFile.seal(
            contents, account: account, epoch: 1, createdMilliseconds: created, relayURL: relay, recipients: recipients,
            fileKey: SecureBytes(Seed.bytes("backups/file-key/\(label)")), nonce: Seed.bytes("backups/nonce/\(label)", 24),
            ephemeralSeeds: [Seed.bytes("backups/seal/\(label)/1"), Seed.bytes("backups/seal/\(label)/2")])
        guard account != F.account else { return sealed }
        // The key seal names `account`; put the header's account back, so only the seal disagrees.
        var patched = sealed
        patched.replaceSubrange(19..<35, with: F.account.bytes)
        return patched
    }

    static func vector(_ name: String, _ expect: String, _ comment: String, backup: [UInt8],
                       opensWith: BackupFile.HolderKind = .recoveryKey, key: RecoveryKey = recovery,
                       passphraseText: String = passphrase, success: Bool = false) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("opens-with", opensWith == .recoveryKey ? "recovery-key" : "passphrase")]
        fields.append(opensWith == .recoveryKey ? .init("recovery-key", Hex.encode(key.secret.copyBytes()))
                                                : .init("passphrase", passphraseText))
        if success {
            fields += [.init("account-id", F.account.hex), .init("epoch", "1"), .init("created-ms", "\(created)"),
                       .init("relay-url", relay), .init("vault-key", Hex.encode(F.vaultKey1))]
            fields += records.sorted { $0.header.id < $1.header.id }.map { .init("record", F.line($0.header)) }
        }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(backup))
    }

    static func files() -> [VectorFile] {
        let good = seal("good")
        let recoveryOnly = seal("recovery-only", withPassphrase: false)
        var magic = good; magic[0] ^= 0x20
        var v2 = good; v2[14] = 2
        var epochFlipped = good; epochFlipped[19 + 16 + 3] ^= 0x02
        var urlFlipped = good; urlFlipped[19 + 16 + 4 + 8 + 2] ^= 0x01
        var bodyFlipped = good; bodyFlipped[good.count - 100] ^= 0x01
        var longHeader = good; longHeader.replaceSubrange(15..<19, with: [0, 0, 0x20, 0x01])
        return [
            vector("two-holders-recovery-key", "success", "recovery key and passphrase holders, opened with the words",
                   backup: good, success: true),
            vector("two-holders-passphrase", "success", "the same file opened with the passphrase (Argon2id at libsodium's minimum cost)",
                   backup: good, opensWith: .passphrase, success: true),
            vector("recovery-only", "success", "written before a passphrase was set: one holder", backup: recoveryOnly, success: true),
            vector("wrong-words", "authentication failure", "another recovery key: the key seal does not open",
                   backup: good, key: otherRecovery),
            vector("wrong-passphrase", "authentication failure", "another passphrase: the key seal does not open",
                   backup: good, opensWith: .passphrase, passphraseText: "correct horse battery stapler"),
            vector("no-passphrase-holder", "parse failure", "opened with a passphrase, but the file has the recovery key only",
                   backup: recoveryOnly, opensWith: .passphrase),
            vector("not-a-backup", "parse failure", "the magic's first letter changed", backup: magic),
            vector("version-2", "unsupported version", "format byte 0x02", backup: v2),
            vector("truncated", "parse failure", "the last byte cut", backup: Array(good.dropLast())),
            vector("header-too-long", "parse failure", "a header length of 8193", backup: longHeader),
            vector("header-epoch-changed", "authentication failure", "the epoch in the clear header changed: the AD no longer matches",
                   backup: epochFlipped),
            vector("relay-url-changed", "authentication failure", "one letter of the relay URL changed", backup: urlFlipped),
            vector("body-damaged", "authentication failure", "one bit of the sealed image flipped", backup: bodyFlipped),
            vector("key-seal-other-account", "binding failure", "the file key sealed naming another account",
                   backup: seal("other-account", account: F.otherAccount)),
            vector("grant-other-epoch", "binding failure", "the holder's grant holds epoch 2's key under an epoch-1 header",
                   backup: seal("grant-epoch-2", grantEpoch: 2)),
        ]
    }
}

@_spi(TestVectors) import TwofoldCrypto
@_spi(TestVectors) import TwofoldProtocol

/// `grants/`: vault keys sealed to a recipient (Protocol/crypto.md, "Grants").
///
/// Header: `recipient-secret-key` (X25519, hex), `recipient-public-key`, the `account-id`
/// and `epoch` the opener asks for, and on success the `vault-key` it must get. Data: the grant, hex.
enum GrantVectors: VectorFamily {
    static let directory = "grants"
    typealias F = Fixtures

    static let device = F.box("device-a")
    static let other = F.box("device-b")

    static func grant(_ plaintext: [UInt8], to pk: [UInt8], _ label: String) -> [UInt8] {
        try! SealedBox.seal(plaintext, to: pk, ephemeralSeed: Seed.bytes("grants/ephemeral/\(label)"))
    }

    static func plaintext(version: UInt8 = 1, account: AccountID = F.account, epoch: UInt32 = 1, key: [UInt8] = F.vaultKey1) -> [UInt8] {
        [version] + account.bytes + [UInt8(epoch >> 24), UInt8(epoch >> 16 & 0xff), UInt8(epoch >> 8 & 0xff), UInt8(epoch & 0xff)] + key
    }

    static func vector(
        _ name: String, _ expect: String, _ comment: String, grant: [UInt8], recipient: X25519KeyPair = device,
        epoch: UInt32 = 1, vaultKey: [UInt8]? = nil
    ) -> VectorFile {
        var fields: [VectorFile.Field] = [
            .init("recipient-secret-key", Hex.encode(recipient.secretKey.copyBytes())),
            .init("recipient-public-key", Hex.encode(recipient.publicKey)),
            .init("account-id", F.account.hex), .init("epoch", "\(epoch)"),
        ]
        if let vaultKey { fields.append(.init("vault-key", Hex.encode(vaultKey))) }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(grant))
    }

    static func files() -> [VectorFile] {
        let good = try! Grant.seal(vaultKey: SecureBytes(F.vaultKey1), account: F.account, epoch: 1, to: device.publicKey,
                                   ephemeralSeed: Seed.bytes("grants/ephemeral/device"))
        let recovery = RecoveryVectors.sampleKey.keyPairs.box
        let toRecovery = grant(plaintext(epoch: 2, key: F.vaultKey2), to: recovery.publicKey, "recovery")
        var flipped = good
        flipped[60] ^= 0x04
        return [
            vector("device", "success", "epoch 1's vault key sealed to device A", grant: good, vaultKey: F.vaultKey1),
            vector("recovery", "success", "epoch 2's vault key sealed to the X25519 key derived from recovery/sample's key",
                   grant: toRecovery, recipient: recovery, epoch: 2, vaultKey: F.vaultKey2),
            vector("wrong-recipient", "authentication failure", "device A's grant opened with device B's key",
                   grant: good, recipient: other),
            vector("flipped", "authentication failure", "one ciphertext bit flipped", grant: flipped),
            vector("truncated", "parse failure", "one byte short of 101", grant: Array(good.dropLast())),
            vector("extended", "parse failure", "one byte more than 101", grant: good + [0]),
            vector("other-account", "binding failure", "an authentic grant that names another account",
                   grant: grant(plaintext(account: F.otherAccount), to: device.publicKey, "other-account")),
            vector("other-epoch", "binding failure", "an authentic grant of epoch 1's key presented as epoch 2's",
                   grant: good, epoch: 2),
            vector("payload-version-2", "unsupported version", "an authentic grant whose plaintext format byte is 0x02",
                   grant: grant(plaintext(version: 2), to: device.publicKey, "version-2")),
        ]
    }
}

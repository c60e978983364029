@_spi(TestVectors) import TwofoldCrypto

/// A vault key on its way to one recipient (a device, the recovery key or the
/// passphrase): an anonymous sealed box (Protocol/crypto.md, "Grants").
///
/// `grant = crypto_box_seal(0x01 || account_id (16) || epoch (u32 BE) || VK (32), recipient_x25519_pk)`
///
/// The plaintext names the account and epoch so that a relay cannot hand a device
/// another account's key or an old epoch's key under a new epoch number: the opener
/// checks both against what it asked for.
public enum Grant {
    /// Plaintext format byte.
    public static let formatVersion: UInt8 = 1
    /// Plaintext length: 1 + 16 + 4 + 32 = 53 bytes.
    public static let plaintextLength = 53
    /// Grant length: plaintext + 48 bytes of sealed-box overhead = 101 bytes.
    public static let length = plaintextLength + 48

    /// Seals `vaultKey` (the key of `epoch`) to `recipient`.
    public static func seal(
        vaultKey: SecureBytes, account: AccountID, epoch: UInt32, to recipient: [UInt8]
    ) throws(ProtocolError) -> [UInt8] {
        let message = try plaintext(vaultKey: vaultKey, account: account, epoch: epoch)
        do {
            return try SealedBox.seal(message.copyBytes(), to: recipient)
        } catch {
            throw .malformed(what: "grant recipient key", reason: error.description)
        }
    }

    /// Seals with a given ephemeral seed, so vectors can be rebuilt; never for real grants.
    @_spi(TestVectors)
    public static func seal(
        vaultKey: SecureBytes, account: AccountID, epoch: UInt32, to recipient: [UInt8], ephemeralSeed: [UInt8]
    ) throws(ProtocolError) -> [UInt8] {
        let message = try plaintext(vaultKey: vaultKey, account: account, epoch: epoch)
        do {
            return try SealedBox.seal(message.copyBytes(), to: recipient, ephemeralSeed: ephemeralSeed)
        } catch {
            throw .malformed(what: "grant recipient key", reason: error.description)
        }
    }

    /// Opens a grant and returns the vault key of `epoch` for `account`.
    ///
    /// - Throws: ``ProtocolError/malformed(what:reason:)`` ("grant") for a wrong length,
    ///   ``ProtocolError/authenticationFailed(what:)`` when the box does not open with
    ///   `keyPair`, ``ProtocolError/unsupportedVersion(what:version:)`` or `malformed`
    ///   ("grant payload") for a bad plaintext, and ``ProtocolError/bindingMismatch(what:reason:)``
    ///   when it names another account or epoch.
    public static func open(
        _ grant: [UInt8], account: AccountID, epoch: UInt32, with keyPair: X25519KeyPair
    ) throws(ProtocolError) -> SecureBytes {
        guard grant.count == length else {
            throw .malformed(what: "grant", reason: "\(grant.count) bytes instead of \(length)")
        }
        let plain: SecureBytes
        do {
            plain = try SealedBox.open(grant, with: keyPair)
        } catch {
            throw .authenticationFailed(what: "grant")
        }
        // Split inside the guarded buffer, so the key goes straight into guarded memory.
        let parts = plain.withUnsafeBytes { p -> (format: UInt8, account: [UInt8], epoch: UInt32, key: SecureBytes)? in
            guard p.count == plaintextLength else { return nil }
            let sealedEpoch = p[17..<21].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return (p[0], Array(p[1..<17]), sealedEpoch, SecureBytes(p[21..<53]))
        }
        guard let parts else {
            throw .malformed(what: "grant payload", reason: "\(plain.count) bytes instead of \(plaintextLength)")
        }
        guard parts.format == formatVersion else { throw .unsupportedVersion(what: "grant payload", version: parts.format) }
        guard parts.account == account.bytes else {
            throw .bindingMismatch(what: "grant", reason: "it is for another account")
        }
        guard parts.epoch == epoch else {
            throw .bindingMismatch(what: "grant", reason: "it holds the key of epoch \(parts.epoch), not \(epoch)")
        }
        return parts.key
    }

    private static func plaintext(vaultKey: SecureBytes, account: AccountID, epoch: UInt32) throws(ProtocolError) -> SecureBytes {
        guard vaultKey.count == 32 else {
            throw .malformed(what: "vault key", reason: "\(vaultKey.count) bytes instead of 32")
        }
        var w = ByteWriter(capacity: 21)
        w.append(formatVersion)
        w.append(account.bytes)
        w.append(epoch)
        return vaultKey.withUnsafeBytes { SecureBytes(w.bytes + $0) }
    }
}

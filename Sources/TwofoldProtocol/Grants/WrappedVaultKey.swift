@_spi(TestVectors) import TwofoldCrypto

/// A vault key at rest in a device's own store, wrapped by the local key-encryption key
/// (Protocol/crypto.md, "Local key wrapping").
///
/// `wrapped = 0x01 || nonce (24) || XChaCha20-Poly1305(VK, AD, nonce, KEK)` with
/// `AD = "twofold/local-vk/v1" || account_id (16) || epoch (u32 BE)`.
public enum WrappedVaultKey {
    /// Format byte.
    public static let formatVersion: UInt8 = 1
    /// Wrapped length: 1 + 24 + 32 + 16 = 73 bytes.
    public static let length = 73
    /// Associated-data label.
    public static let label = "twofold/local-vk/v1"

    /// Wraps `vaultKey` (the key of `epoch`) under `kek` with a fresh nonce.
    public static func wrap(_ vaultKey: SecureBytes, account: AccountID, epoch: UInt32, kek: SecureBytes) throws(ProtocolError) -> [UInt8] {
        try wrap(vaultKey, account: account, epoch: epoch, kek: kek, nonce: SecureRandom.bytes(24))
    }

    /// Wraps with a given nonce, so vectors can be rebuilt; never for real keys.
    @_spi(TestVectors)
    public static func wrap(
        _ vaultKey: SecureBytes, account: AccountID, epoch: UInt32, kek: SecureBytes, nonce: [UInt8]
    ) throws(ProtocolError) -> [UInt8] {
        guard vaultKey.count == 32 else {
            throw .malformed(what: "vault key", reason: "\(vaultKey.count) bytes instead of 32")
        }
        do {
            let sealed = try XChaCha20Poly1305.seal(
                vaultKey.copyBytes(), associatedData: associatedData(account: account, epoch: epoch), nonce: nonce, key: kek)
            return [formatVersion] + nonce + sealed
        } catch {
            throw .malformed(what: "local key", reason: error.description)
        }
    }

    /// Unwraps the vault key of `epoch`; fails if the KEK is wrong or any byte, the
    /// account or the epoch differs from what was wrapped.
    public static func unwrap(_ wrapped: [UInt8], account: AccountID, epoch: UInt32, kek: SecureBytes) throws(ProtocolError) -> SecureBytes {
        guard let format = wrapped.first else { throw .malformed(what: "wrapped vault key", reason: "empty") }
        guard format == formatVersion else { throw .unsupportedVersion(what: "wrapped vault key", version: format) }
        guard wrapped.count == length else {
            throw .malformed(what: "wrapped vault key", reason: "\(wrapped.count) bytes instead of \(length)")
        }
        do {
            let key = try XChaCha20Poly1305.open(
                Array(wrapped[25...]), associatedData: associatedData(account: account, epoch: epoch),
                nonce: Array(wrapped[1..<25]), key: kek)
            return SecureBytes(key)
        } catch {
            throw .authenticationFailed(what: "wrapped vault key")
        }
    }

    static func associatedData(account: AccountID, epoch: UInt32) -> [UInt8] {
        var w = ByteWriter(capacity: 40)
        w.append(label)
        w.append(account.bytes)
        w.append(epoch)
        return w.bytes
    }
}

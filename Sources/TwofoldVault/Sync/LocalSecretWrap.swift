import TwofoldCrypto
import TwofoldProtocol

/// Device secrets at rest that must not open without the vault key: the X25519 secret that
/// opens grants, and the recovery key while an account is being created.
///
///     wrap_key = BLAKE2b-256(key = VK_epoch, "twofold/local-box-key/v1")
///     AD       = "twofold/local-box-key/v1" || account_id (16) || device_id (16) || epoch (u32 BE) || what (1)
///     what     = 0x01 the X25519 secret | 0x02 the recovery key
///     wrapped  = 0x01 || nonce (24) || XChaCha20-Poly1305(secret (32), AD, nonce, wrap_key)     73 bytes
///
/// Wrapping under a key derived from `VK` rather than under the local KEK means a change of
/// local passphrase (which re-wraps only the `VK`s) never orphans these secrets, and a device
/// that holds an epoch's `VK` can always reach them; a disk thief without the passphrase has
/// neither (Protocol/threat-model.md, "Device keys at rest").
enum LocalSecretWrap {
    static let formatVersion: UInt8 = 1
    static let length = 73
    /// Domain label of the wrap key and the AD (Protocol/crypto.md, "Local key wrapping").
    static let label = "twofold/local-box-key/v1"
    /// `what` byte of the device's X25519 secret.
    static let boxLabel: UInt8 = 1
    /// `what` byte of the recovery key kept while the account is `creating`.
    static let recoveryLabel: UInt8 = 2
    /// `what` of a new passphrase's roster check value while its rotation is pending.
    static let passphraseCheckLabel: UInt8 = 3

    static func wrap(_ secret: SecureBytes, label: UInt8, account: AccountID, device: DeviceID,
                     epoch: UInt32, vaultKey: SecureBytes) throws(VaultError) -> [UInt8] {
        let nonce = SecureRandom.bytes(XChaCha20Poly1305.nonceLength)
        do {
            let sealed = try XChaCha20Poly1305.seal(
                secret.copyBytes(), associatedData: ad(label, account, device, epoch), nonce: nonce,
                key: wrapKey(vaultKey))
            return [formatVersion] + nonce + sealed
        } catch {
            throw .storage("wrapping a device secret failed: \(error)")
        }
    }

    static func unwrap(_ wrapped: [UInt8], label: UInt8, account: AccountID, device: DeviceID,
                       epoch: UInt32, vaultKey: SecureBytes) throws(VaultError) -> SecureBytes {
        guard wrapped.count == length, wrapped[0] == formatVersion else {
            throw .storage("a wrapped device secret is malformed")
        }
        do {
            let plain = try XChaCha20Poly1305.open(
                Array(wrapped[25...]), associatedData: ad(label, account, device, epoch),
                nonce: Array(wrapped[1..<25]), key: wrapKey(vaultKey))
            return SecureBytes(plain)
        } catch {
            throw .corruptRecord(id: "device keys", reason: "the wrapped device secret does not open with the vault key")
        }
    }

    private static func wrapKey(_ vaultKey: SecureBytes) -> SecureBytes {
        BLAKE2b.deriveSecret(Array(label.utf8), key: vaultKey, outputLength: 32)
    }

    private static func ad(_ what: UInt8, _ account: AccountID, _ device: DeviceID, _ epoch: UInt32) -> [UInt8] {
        var out = Array(label.utf8) + account.bytes + device.bytes
        out += [UInt8(epoch >> 24), UInt8(epoch >> 16 & 0xff), UInt8(epoch >> 8 & 0xff), UInt8(epoch & 0xff), what]
        return out
    }
}

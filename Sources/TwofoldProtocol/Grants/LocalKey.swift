import Foundation
import TwofoldCrypto

/// The local key-encryption key (KEK) that wraps vault keys at rest (Protocol/crypto.md,
/// "Local key wrapping"): derived from the local passphrase, or kept in a key file in
/// `--no-passphrase` mode.
public enum LocalKey {
    /// Key length: 32 bytes.
    public static let length = 32
    /// First part of the key file's single line.
    public static let filePrefix = "twofold-local-key-v1:"
    /// Name of the key file inside a device home; its mode is 0600.
    public static let fileName = "vault.key"

    /// `KEK = crypto_pwhash(32, UTF-8(NFC(passphrase)), salt (16), ops, mem, ARGON2ID13)`.
    /// Writers use at least MODERATE; a cost beyond the sanity ceiling is refused.
    public static func derive(passphrase: String, parameters: PassphraseParameters) throws(ProtocolError) -> SecureBytes {
        try parameters.masterKey(passphrase: passphrase)
    }

    /// The key file's contents: `twofold-local-key-v1:` + standard Base64 (padded) + `\n`.
    public static func fileContents(_ key: SecureBytes) -> String {
        filePrefix + Data(key.copyBytes()).base64EncodedString() + "\n"
    }

    /// Parses a key file. Only the canonical form is accepted: the prefix, 44 characters
    /// of padded standard Base64 that re-encode to themselves, one final newline.
    public static func parseFile(_ text: String) throws(ProtocolError) -> SecureBytes {
        guard text.hasPrefix(filePrefix), text.hasSuffix("\n") else {
            throw .malformed(what: "local key file", reason: "expected '\(filePrefix)<base64>' and a newline")
        }
        let encoded = String(text.dropFirst(filePrefix.count).dropLast())
        guard let data = Data(base64Encoded: encoded), data.count == length,
              data.base64EncodedString() == encoded
        else {
            throw .malformed(what: "local key file", reason: "the key is not 32 bytes of canonical Base64")
        }
        return SecureBytes(data)
    }
}

import TwofoldCrypto
import TwofoldProtocol

/// An invite token (Protocol/relay-api.md, "Registration"): `"tfi1." || base64url(16 random
/// bytes)`. The store keeps only `BLAKE2b-256(token text)`.
public enum InviteToken {
    /// The text prefix.
    public static let prefix = "tfi1."

    /// A fresh token.
    public static func generate() -> String { prefix + Base64URL.encode(SecureRandom.bytes(16)) }

    /// Whether `text` has the token's shape.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix), let bytes = Base64URL.decode(text.dropFirst(prefix.count)) else { return false }
        return bytes.count == 16
    }

    /// The hash the store keeps.
    public static func hash(_ text: String) -> [UInt8] { BLAKE2b.hash(Array(text.utf8), outputLength: 32) }
}

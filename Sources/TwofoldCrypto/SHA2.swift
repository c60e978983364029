import CSodium

/// SHA-2 hashing (libsodium `crypto_hash_sha256`).
///
/// Twofold's own formats use BLAKE2b; SHA-256 is here for the one place an outside
/// standard fixes it: the BIP-39 checksum of the recovery words (Protocol/crypto.md,
/// "Recovery key"). Named `SHA2` so it cannot clash with swift-crypto's `SHA256`.
public enum SHA2 {
    /// SHA-256 digest length: 32 bytes.
    public static var sha256Length: Int { Int(crypto_hash_sha256_bytes()) }

    /// The SHA-256 digest of `data`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: sha256Length)
        _ = crypto_hash_sha256(&out, data, UInt64(data.count))
        return out
    }

    /// The SHA-256 digest of secret bytes, without copying them out of guarded memory.
    public static func sha256(_ data: SecureBytes) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: sha256Length)
        _ = crypto_hash_sha256(&out, data.typedPointer, UInt64(data.count))
        return out
    }
}

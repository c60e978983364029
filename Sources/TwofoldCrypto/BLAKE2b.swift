import CSodium

/// BLAKE2b hashing, keyed or not (libsodium `crypto_generichash`).
public enum BLAKE2b {
    /// Hashes `data` to `outputLength` bytes (16…64), optionally keyed (16…64 bytes).
    public static func hash(_ data: [UInt8], outputLength: Int = 32, key: [UInt8]? = nil) -> [UInt8] {
        Sodium.ensureInitialized()
        precondition((16...64).contains(outputLength), "BLAKE2b output must be 16…64 bytes")
        var out = [UInt8](repeating: 0, count: outputLength)
        let rc: Int32
        if let key {
            rc = crypto_generichash(&out, outputLength, data, UInt64(data.count), key, key.count)
        } else {
            rc = crypto_generichash(&out, outputLength, data, UInt64(data.count), nil, 0)
        }
        precondition(rc == 0, "crypto_generichash rejected its parameters")
        return out
    }

    /// Hashes `data` keyed with secret bytes, the result kept in guarded memory
    /// (used to derive sub-keys such as the recovery key pairs' seeds).
    public static func deriveSecret(_ data: [UInt8], key: SecureBytes, outputLength: Int = 32) -> SecureBytes {
        Sodium.ensureInitialized()
        return SecureBytes(count: outputLength) { out in
            let rc = crypto_generichash(out, outputLength, data, UInt64(data.count), key.typedPointer, key.count)
            precondition(rc == 0, "crypto_generichash rejected its parameters")
        }
    }
}

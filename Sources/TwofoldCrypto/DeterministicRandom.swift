import CSodium

/// A deterministic byte stream from a 32-byte seed (libsodium
/// `randombytes_buf_deterministic`, ChaCha20 keyed by the seed, nonce "LibsodiumDRG").
///
/// For reproducible test vectors only (Protocol/vectors/README.md): the same seed always
/// gives the same bytes, so nothing made from it is secret. Never use it for real keys.
public enum DeterministicRandom {
    /// Seed length: 32 bytes.
    public static var seedLength: Int { Int(randombytes_seedbytes()) }

    /// The first `count` bytes of the stream for `seed`.
    public static func bytes(_ count: Int, seed: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        precondition(seed.count == seedLength, "deterministic random seed must be 32 bytes")
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf_deterministic(base, count, seed) }
        }
        return out
    }
}

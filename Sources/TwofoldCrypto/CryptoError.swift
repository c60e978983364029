/// The failures a caller of TwofoldCrypto must tell apart.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A ciphertext, sealed box or wrapped key did not authenticate: wrong key, or the
    /// bytes were changed. Never distinguish the two to the outside.
    case authenticationFailed
    /// A key, nonce, seed or signature had the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// Argon2id could not run (usually: not enough memory for the requested cost).
    case keyDerivationFailed
    /// Padding was malformed after a successful decryption (a writer bug, not an attacker).
    case invalidPadding
    /// A signature did not verify.
    case invalidSignature

    public var description: String {
        switch self {
        case .authenticationFailed:
            return "decryption failed: the key is wrong or the data was changed"
        case .invalidLength(let what, let expected, let actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .keyDerivationFailed:
            return "the passphrase key derivation failed: free some memory and try again"
        case .invalidPadding:
            return "decrypted data has invalid padding: the writer is faulty"
        case .invalidSignature:
            return "a signature did not verify: the data or the key is wrong"
        }
    }
}

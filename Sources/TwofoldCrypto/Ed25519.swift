import CSodium

/// An Ed25519 signing key pair (libsodium `crypto_sign_*`).
public struct Ed25519KeyPair: Sendable {
    /// The 32-byte public key.
    public let publicKey: [UInt8]
    /// The 64-byte secret key (seed || public key), in guarded memory.
    public let secretKey: SecureBytes

    /// Signature length: 64 bytes.
    public static var signatureLength: Int { Int(crypto_sign_bytes()) }
    /// Public key length: 32 bytes.
    public static var publicKeyLength: Int { Int(crypto_sign_publickeybytes()) }

    /// A fresh random key pair.
    public static func generate() -> Ed25519KeyPair {
        fromSeed(SecureBytes.random(count: Int(crypto_sign_seedbytes())))
    }

    /// The key pair determined by a 32-byte seed (used for keys derived from the recovery
    /// key or passphrase, Protocol/crypto.md).
    public static func fromSeed(_ seed: SecureBytes) -> Ed25519KeyPair {
        Sodium.ensureInitialized()
        precondition(seed.count == Int(crypto_sign_seedbytes()), "Ed25519 seed must be 32 bytes")
        var pk = [UInt8](repeating: 0, count: publicKeyLength)
        let sk = SecureBytes(count: Int(crypto_sign_secretkeybytes())) { out in
            _ = crypto_sign_seed_keypair(&pk, out, seed.typedPointer)
        }
        return Ed25519KeyPair(publicKey: pk, secretKey: sk)
    }

    /// Rebuilds a key pair from a stored 64-byte secret key.
    public init(secretKey: SecureBytes) throws(CryptoError) {
        guard secretKey.count == Int(crypto_sign_secretkeybytes()) else {
            throw .invalidLength(what: "Ed25519 secret key", expected: 64, actual: secretKey.count)
        }
        var pk = [UInt8](repeating: 0, count: Ed25519KeyPair.publicKeyLength)
        _ = crypto_sign_ed25519_sk_to_pk(&pk, secretKey.typedPointer)
        self.init(publicKey: pk, secretKey: secretKey)
    }

    private init(publicKey: [UInt8], secretKey: SecureBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A detached signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: Ed25519KeyPair.signatureLength)
        _ = crypto_sign_detached(&sig, nil, message, UInt64(message.count), secretKey.typedPointer)
        return sig
    }

    /// True when `signature` is `publicKey`'s valid signature over `message`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Sodium.ensureInitialized()
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}

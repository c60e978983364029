import CSodium

/// An X25519 key pair that receives sealed boxes (libsodium `crypto_box_*`).
public struct X25519KeyPair: Sendable {
    /// The 32-byte public key.
    public let publicKey: [UInt8]
    /// The 32-byte secret key, in guarded memory.
    public let secretKey: SecureBytes

    /// Public key length: 32 bytes.
    public static var publicKeyLength: Int { Int(crypto_box_publickeybytes()) }

    /// A fresh random key pair.
    public static func generate() -> X25519KeyPair {
        fromSeed(SecureBytes.random(count: Int(crypto_box_seedbytes())))
    }

    /// The key pair determined by a 32-byte seed (Protocol/crypto.md).
    public static func fromSeed(_ seed: SecureBytes) -> X25519KeyPair {
        Sodium.ensureInitialized()
        precondition(seed.count == Int(crypto_box_seedbytes()), "X25519 seed must be 32 bytes")
        var pk = [UInt8](repeating: 0, count: publicKeyLength)
        let sk = SecureBytes(count: Int(crypto_box_secretkeybytes())) { out in
            _ = crypto_box_seed_keypair(&pk, out, seed.typedPointer)
        }
        return X25519KeyPair(publicKey: pk, secretKey: sk)
    }

    /// Rebuilds a key pair from a stored 32-byte secret key.
    public init(secretKey: SecureBytes) throws(CryptoError) {
        guard secretKey.count == Int(crypto_box_secretkeybytes()) else {
            throw .invalidLength(what: "X25519 secret key", expected: 32, actual: secretKey.count)
        }
        var pk = [UInt8](repeating: 0, count: X25519KeyPair.publicKeyLength)
        _ = crypto_scalarmult_base(&pk, secretKey.typedPointer)
        self.init(publicKey: pk, secretKey: secretKey)
    }

    private init(publicKey: [UInt8], secretKey: SecureBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}

/// Anonymous sealed boxes (libsodium `crypto_box_seal`): how a vault key reaches a device
/// or the recovery key (DESIGN.md, "Grants").
public enum SealedBox {
    /// Overhead added by sealing: 48 bytes (ephemeral public key + tag).
    public static var overhead: Int { Int(crypto_box_sealbytes()) }

    /// Seals `message` to `publicKey`; only the holder of the matching secret key opens it.
    public static func seal(_ message: [UInt8], to publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        Sodium.ensureInitialized()
        guard publicKey.count == X25519KeyPair.publicKeyLength else {
            throw .invalidLength(what: "X25519 public key", expected: 32, actual: publicKey.count)
        }
        var out = [UInt8](repeating: 0, count: message.count + overhead)
        _ = crypto_box_seal(&out, message, UInt64(message.count), publicKey)
        return out
    }

    /// Opens a sealed box; the plaintext is returned in guarded memory because sealed
    /// boxes carry keys.
    public static func open(_ box: [UInt8], with keyPair: X25519KeyPair) throws(CryptoError) -> SecureBytes {
        Sodium.ensureInitialized()
        guard box.count >= overhead else { throw .authenticationFailed }
        var rc: Int32 = -1
        let plaintext = SecureBytes(count: box.count - overhead) { out in
            rc = crypto_box_seal_open(out, box, UInt64(box.count), keyPair.publicKey, keyPair.secretKey.typedPointer)
        }
        guard rc == 0 else { throw .authenticationFailed }
        return plaintext
    }
}

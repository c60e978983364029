import TwofoldCrypto

/// Signing and checking ``AuthMessage``s with Ed25519 (Protocol/relay-api.md, "What a
/// device signs").
public enum AuthSignature {
    /// A detached Ed25519 signature (64 bytes) over `message`.
    public static func sign(_ message: [UInt8], with keyPair: Ed25519KeyPair) -> [UInt8] {
        keyPair.sign(message)
    }

    /// Throws ``ProtocolError/invalidSignature(what:)`` unless `signature` is `publicKey`'s
    /// signature over `message`; a signature or key of the wrong length is malformed.
    public static func verify(
        _ signature: [UInt8], over message: [UInt8], publicKey: [UInt8], what: String
    ) throws(ProtocolError) {
        guard signature.count == Ed25519KeyPair.signatureLength else {
            throw .malformed(what: "signature", reason: "\(signature.count) bytes instead of 64")
        }
        guard publicKey.count == Ed25519KeyPair.publicKeyLength else {
            throw .malformed(what: "public key", reason: "\(publicKey.count) bytes instead of 32")
        }
        guard Ed25519KeyPair.verify(signature: signature, message: message, publicKey: publicKey) else {
            throw .invalidSignature(what: what)
        }
    }
}

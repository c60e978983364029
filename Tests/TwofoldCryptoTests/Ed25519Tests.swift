import Testing
import TwofoldCrypto

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, TEST 1 (empty message).
    @Test func knownAnswer() {
        let pair = Ed25519KeyPair.fromSeed(SecureBytes(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")))
        #expect(hex(pair.publicKey) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = pair.sign([])
        #expect(hex(signature) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(Ed25519KeyPair.verify(signature: signature, message: [], publicKey: pair.publicKey))
    }

    @Test func changedMessageSignatureOrKeyFails() {
        let pair = Ed25519KeyPair.generate()
        let message = Array("head".utf8)
        var signature = pair.sign(message)
        #expect(Ed25519KeyPair.verify(signature: signature, message: message, publicKey: pair.publicKey))
        #expect(!Ed25519KeyPair.verify(signature: signature, message: message + [0], publicKey: pair.publicKey))
        #expect(!Ed25519KeyPair.verify(signature: signature, message: message, publicKey: Ed25519KeyPair.generate().publicKey))
        #expect(!Ed25519KeyPair.verify(signature: Array(signature.prefix(63)), message: message, publicKey: pair.publicKey))
        signature[10] ^= 1
        #expect(!Ed25519KeyPair.verify(signature: signature, message: message, publicKey: pair.publicKey))
    }

    @Test func secretKeyRoundTrip() throws {
        let pair = Ed25519KeyPair.generate()
        let rebuilt = try Ed25519KeyPair(secretKey: SecureBytes(pair.secretKey.copyBytes()))
        #expect(rebuilt.publicKey == pair.publicKey)
        #expect(throws: CryptoError.self) { try Ed25519KeyPair(secretKey: SecureBytes([UInt8](repeating: 0, count: 32))) }
    }
}

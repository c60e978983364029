@_spi(TestVectors) import TwofoldCrypto
import Testing

@Suite struct SealedBoxTests {
    /// RFC 7748 §6.1: Alice's key pair.
    @Test func x25519PublicKeyKnownAnswer() throws {
        let alice = try X25519KeyPair(secretKey: SecureBytes(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")))
        #expect(hex(alice.publicKey) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    }

    @Test func roundTrip() throws {
        let recipient = X25519KeyPair.generate()
        let box = try SealedBox.seal(Array("vault key".utf8), to: recipient.publicKey)
        #expect(box.count == 9 + SealedBox.overhead)
        #expect(try SealedBox.open(box, with: recipient).copyBytes() == Array("vault key".utf8))
        #expect(try SealedBox.open(box, with: recipient).copyBytes() == Array("vault key".utf8))
    }

    @Test func seedGivesTheSameKeyPair() {
        let seed = SecureBytes([UInt8](repeating: 7, count: 32))
        #expect(X25519KeyPair.fromSeed(seed).publicKey == X25519KeyPair.fromSeed(seed).publicKey)
    }

    @Test func wrongKeyOrChangedBoxFailsGuarded() throws {
        let recipient = X25519KeyPair.generate()
        var box = try SealedBox.seal([1, 2, 3], to: recipient.publicKey)
        #expect(throws: CryptoError.authenticationFailed) { try SealedBox.open(box, with: X25519KeyPair.generate()) }
        box[40] ^= 1
        #expect(throws: CryptoError.authenticationFailed) { try SealedBox.open(box, with: recipient) }
        #expect(throws: CryptoError.authenticationFailed) { try SealedBox.open(Array(box.prefix(47)), with: recipient) }
    }

    /// A wrong key is an error, not a crash (this once double-freed guarded memory).
    @Test
    func wrongKeyFails() throws {
        let box = try SealedBox.seal([1, 2, 3], to: X25519KeyPair.generate().publicKey)
        #expect(throws: CryptoError.authenticationFailed) { try SealedBox.open(box, with: X25519KeyPair.generate()) }
    }

    @Test func deterministicSealIsAnOrdinarySealedBox() throws {
        let recipient = X25519KeyPair.generate()
        let seed = [UInt8](repeating: 9, count: 32)
        let a = try SealedBox.seal([4, 5, 6], to: recipient.publicKey, ephemeralSeed: seed)
        let b = try SealedBox.seal([4, 5, 6], to: recipient.publicKey, ephemeralSeed: seed)
        #expect(a == b)
        #expect(Array(a.prefix(32)) == X25519KeyPair.fromSeed(SecureBytes(seed)).publicKey)
        #expect(try SealedBox.open(a, with: recipient).copyBytes() == [4, 5, 6])
    }

    @Test func publicKeyLengthIsChecked() {
        #expect(throws: CryptoError.invalidLength(what: "X25519 public key", expected: 32, actual: 31)) {
            try SealedBox.seal([1], to: [UInt8](repeating: 0, count: 31))
        }
    }
}

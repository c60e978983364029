import Testing
import TwofoldCrypto

@Suite struct BLAKE2bTests {
    /// RFC 7693 Appendix A and the BLAKE2 reference known answers.
    @Test func knownAnswers() {
        #expect(hex(BLAKE2b.hash(Array("abc".utf8), outputLength: 64)) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
        #expect(hex(BLAKE2b.hash([], outputLength: 32)) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        let key = (0..<64).map { UInt8($0) }
        #expect(hex(BLAKE2b.hash([], outputLength: 64, key: key)) == "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568")
    }

    @Test func deriveSecretEqualsKeyedHash() {
        let key = (0..<32).map { UInt8($0) }
        let label = Array("twofold/recovery/ed25519/v1".utf8)
        #expect(BLAKE2b.deriveSecret(label, key: SecureBytes(key)).copyBytes() == BLAKE2b.hash(label, outputLength: 32, key: key))
    }

    @Test func outputLengthIsPartOfTheHash() {
        #expect(Array(BLAKE2b.hash([1], outputLength: 32).prefix(16)) != BLAKE2b.hash([1], outputLength: 16))
    }
}

@Suite struct SHA2Tests {
    /// FIPS 180-2 example: SHA-256("abc").
    @Test func knownAnswer() {
        #expect(hex(SHA2.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA2.sha256(SecureBytes(Array("abc".utf8))) == SHA2.sha256(Array("abc".utf8)))
    }
}

@Suite struct DeterministicRandomTests {
    @Test func sameSeedSameBytes() {
        let seed = [UInt8](repeating: 1, count: 32)
        #expect(DeterministicRandom.bytes(64, seed: seed) == DeterministicRandom.bytes(64, seed: seed))
        #expect(Array(DeterministicRandom.bytes(64, seed: seed).prefix(16)) == DeterministicRandom.bytes(16, seed: seed))
        #expect(DeterministicRandom.bytes(32, seed: seed) != DeterministicRandom.bytes(32, seed: [UInt8](repeating: 2, count: 32)))
    }
}

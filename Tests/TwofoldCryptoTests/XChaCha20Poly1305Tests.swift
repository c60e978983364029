import Testing
import TwofoldCrypto

@Suite struct XChaCha20Poly1305Tests {
    let key = SecureBytes(hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"))
    let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
    let ad = hex("50515253c0c1c2c3c4c5c6c7")
    let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)

    /// draft-irtf-cfrg-xchacha-03, Appendix A.3.1.
    @Test func knownAnswer() throws {
        let sealed = try XChaCha20Poly1305.seal(plaintext, associatedData: ad, nonce: nonce, key: key)
        #expect(hex(sealed) == "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49")
    }

    @Test func roundTrip() throws {
        let sealed = try XChaCha20Poly1305.seal(plaintext, associatedData: ad, nonce: nonce, key: key)
        #expect(sealed.count == plaintext.count + XChaCha20Poly1305.tagLength)
        #expect(try XChaCha20Poly1305.open(sealed, associatedData: ad, nonce: nonce, key: key) == plaintext)
    }

    @Test func anyChangeFailsAuthentication() throws {
        let sealed = try XChaCha20Poly1305.seal(plaintext, associatedData: ad, nonce: nonce, key: key)
        var flipped = sealed
        flipped[3] ^= 1
        var otherNonce = nonce
        otherNonce[23] ^= 1
        #expect(throws: CryptoError.authenticationFailed) { try XChaCha20Poly1305.open(flipped, associatedData: ad, nonce: nonce, key: key) }
        #expect(throws: CryptoError.authenticationFailed) { try XChaCha20Poly1305.open(sealed, associatedData: ad + [0], nonce: nonce, key: key) }
        #expect(throws: CryptoError.authenticationFailed) { try XChaCha20Poly1305.open(sealed, associatedData: ad, nonce: otherNonce, key: key) }
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, associatedData: ad, nonce: nonce, key: .random(count: 32))
        }
        #expect(throws: CryptoError.authenticationFailed) { try XChaCha20Poly1305.open(Array(sealed.prefix(15)), associatedData: ad, nonce: nonce, key: key) }
    }

    @Test func lengthsAreChecked() {
        #expect(throws: CryptoError.invalidLength(what: "nonce", expected: 24, actual: 12)) {
            try XChaCha20Poly1305.seal([], associatedData: [], nonce: [UInt8](repeating: 0, count: 12), key: key)
        }
        #expect(throws: CryptoError.invalidLength(what: "key", expected: 32, actual: 16)) {
            try XChaCha20Poly1305.seal([], associatedData: [], nonce: nonce, key: .random(count: 16))
        }
    }
}

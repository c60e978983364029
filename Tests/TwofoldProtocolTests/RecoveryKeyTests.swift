import Foundation
import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

@Suite struct RecoveryWordListTests {
    /// The embedded list is byte for byte the BIP-39 English list (Protocol/crypto.md, "Recovery key").
    @Test func listHashMatches() {
        let text = BIP39WordList.english.joined(separator: "\n") + "\n"
        #expect(Hex.encode(SHA2.sha256(Array(text.utf8))) == "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda")
    }

    @Test func wordsAreDistinctInTheirFirstFourLetters() {
        #expect(BIP39WordList.english.count == 2048)
        #expect(Set(BIP39WordList.english.map { $0.prefix(4) }).count == 2048)
        #expect(BIP39WordList.indexByWord.count == 2048)
    }
}

@Suite struct RecoveryKeyTests {
    /// BIP-39 reference vectors (trezor/python-mnemonic vectors.json), 256-bit entropy.
    @Test func bip39ReferenceVectors() throws {
        let cases: [(UInt8, String)] = [
            (0x00, String(repeating: "abandon ", count: 23) + "art"),
            (0x7f, "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title"),
            (0x80, "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless"),
            (0xff, String(repeating: "zoo ", count: 23) + "vote"),
        ]
        for (byte, phrase) in cases {
            let key = try RecoveryKey(secret: SecureBytes([UInt8](repeating: byte, count: 32)))
            #expect(key.phrase == phrase)
            #expect(try RecoveryKey(words: phrase).secret == key.secret)
        }
    }

    @Test func randomKeysRoundTrip() throws {
        for _ in 0..<50 {
            let key = RecoveryKey.generate()
            #expect(key.words.count == 24)
            #expect(try RecoveryKey(words: key.phrase).secret == key.secret)
        }
    }

    @Test func anyCaseAndWhitespaceAreAccepted() throws {
        let key = RecoveryKey.generate()
        let typed = "\n  " + key.words.enumerated().map { $0.offset.isMultiple(of: 2) ? $0.element.uppercased() : $0.element }
            .joined(separator: " \t ") + "  \n"
        #expect(try RecoveryKey(words: typed).secret == key.secret)
    }

    @Test func unknownWordIsNamed() {
        var words = RecoveryKey.generate().words
        words[6] = "Bitcoinn"
        #expect(throws: ProtocolError.unknownRecoveryWord(position: 7, word: "bitcoinn")) {
            try RecoveryKey(words: words.joined(separator: " "))
        }
    }

    @Test func wrongCountIsItsOwnError() {
        let words = RecoveryKey.generate().words
        #expect(throws: ProtocolError.wrongRecoveryWordCount(23)) { try RecoveryKey(words: words.dropLast().joined(separator: " ")) }
        #expect(throws: ProtocolError.wrongRecoveryWordCount(0)) { try RecoveryKey(words: "  ") }
    }

    @Test func checksumIsItsOwnError() {
        // "abandon" × 24 has checksum bits 0000 0000 in its last word, but SHA-256(0^32)[0] is 0x66.
        #expect(throws: ProtocolError.recoveryChecksumMismatch) {
            try RecoveryKey(words: String(repeating: "abandon ", count: 24))
        }
    }

    /// `seed = crypto_generichash(32, label, key = recovery_key)`, then the seeded key pairs.
    @Test func keyPairsFollowTheDerivation() {
        let key = RecoveryKey.generate()
        let pairs = key.keyPairs
        let signSeed = BLAKE2b.hash(Array("twofold/recovery/ed25519/v1".utf8), outputLength: 32, key: key.secret.copyBytes())
        let boxSeed = BLAKE2b.hash(Array("twofold/recovery/x25519/v1".utf8), outputLength: 32, key: key.secret.copyBytes())
        #expect(pairs.signing.publicKey == Ed25519KeyPair.fromSeed(SecureBytes(signSeed)).publicKey)
        #expect(pairs.box.publicKey == X25519KeyPair.fromSeed(SecureBytes(boxSeed)).publicKey)
        let asPassphrase = AccountKeyPairs(master: key.secret, labels: .passphrase)
        #expect(asPassphrase.signing.publicKey != pairs.signing.publicKey)
        #expect(asPassphrase.box.publicKey != pairs.box.publicKey)
    }
}

@Suite struct PassphraseTests {
    let cheap = Argon2id.Cost(opsLimit: 2, memLimit: 64 * 1024)

    @Test func normalisationMakesComposedAndDecomposedEqual() throws {
        let parameters = try PassphraseParameters(salt: [UInt8](repeating: 1, count: 16), cost: cheap)
        let composed = try parameters.masterKey(passphrase: "Cr\u{E8}me")
        let decomposed = try parameters.masterKey(passphrase: "Cre\u{300}me")
        #expect(composed == decomposed)
        #expect(try parameters.masterKey(passphrase: "Creme") != composed)
        #expect(try parameters.masterKey(passphrase: " Cr\u{E8}me") != composed)
    }

    @Test func insaneCostAndBadSaltAreRefused() throws {
        #expect(throws: ProtocolError.self) { try PassphraseParameters(salt: [1], cost: .moderate) }
        let greedy = try PassphraseParameters(salt: [UInt8](repeating: 1, count: 16), cost: Argon2id.Cost(opsLimit: 3, memLimit: 1 << 40))
        #expect(throws: ProtocolError.self) { try greedy.masterKey(passphrase: "x") }
    }

    @Test func newParametersAreModerateWithFreshSalt() {
        let a = PassphraseParameters.generate(), b = PassphraseParameters.generate()
        #expect(a.cost == .moderate && a.salt.count == 16 && a.salt != b.salt)
    }

    @Test func decoysAreStablePerAccountAndSecret() {
        let secret = SecureBytes.random(count: 32)
        let account = AccountID.random()
        let decoy = PassphraseParameters.decoy(for: account, relaySecret: secret)
        #expect(decoy == PassphraseParameters.decoy(for: account, relaySecret: secret))
        #expect(decoy.salt != PassphraseParameters.decoy(for: .random(), relaySecret: secret).salt)
        #expect(decoy.salt != PassphraseParameters.decoy(for: account, relaySecret: .random(count: 32)).salt)
        #expect(decoy.cost == .moderate)
        #expect(decoy.salt == BLAKE2b.hash(Array("twofold/decoy-salt/v1".utf8) + account.bytes, outputLength: 16, key: secret.copyBytes()))
    }
}

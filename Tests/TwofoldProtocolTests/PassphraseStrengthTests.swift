import Testing
@testable import TwofoldProtocol

/// ``PassphraseStrength``: weak account passphrases (issue 20's list) are refused, generated
/// ones and long random ones pass, and each pattern is found and priced.
@Suite("Passphrase strength")
struct PassphraseStrengthTests {
    static let weak = [
        "password1234", "password", "Password1!", "P@ssw0rd2024", "qwertyuiop", "qwertyuiopasdfghjkl",
        "1qaz2wsx3edc4rfv", "asdfghjkl;'", "zxcvbnm,./", "michael1987", "Jennifer1990!", "christopher1990",
        "sophie2012sophie2012", "aaaaaaaaaaaaaaaa", "abcabcabcabcabc", "abcdefghijklmnop", "1234567890123",
        "iloveyou123456", "letmeinletmein", "31/12/1999", "19870512michael", "dragon dragon dragon",
        "correct horse battery staple", "abandon ability able", "Monkey!2023", "trustno1trustno1",
        "drowssap1234", "12345678901234567890",
    ]

    @Test(arguments: weak)
    func weakAccountPassphrasesAreRefused(_ passphrase: String) {
        let strength = PassphraseStrength(passphrase)
        #expect(!strength.isStrongEnoughForAnAccount, "\(passphrase): \(strength.bits) bits, \(strength.patterns.map(\.kind))")
        #expect(strength.weakness.contains("guesses"))
    }

    /// Six BIP-39 words are 66 bits of entropy; the estimator, which does not know they were
    /// drawn at random, credits less when a word is also a common word, but never so little
    /// that a generated phrase is refused.
    @Test func generatedPassphrasesPass() {
        for _ in 0..<200 {
            let phrase = PassphraseStrength.generate()
            #expect(phrase.split(separator: " ").count == 6)
            let strength = PassphraseStrength(phrase)
            #expect(strength.bits >= 50, "\(phrase): \(strength.bits)")
            #expect(strength.isStrongEnoughForAnAccount)
        }
        // Four words are 44 bits (47 with the spaces): not enough; five are.
        #expect(!PassphraseStrength("orbit zebra lumber canyon").isStrongEnoughForAnAccount)
        #expect(PassphraseStrength("orbit zebra lumber canyon tribe").isStrongEnoughForAnAccount)
    }

    @Test func longRandomPassphrasesPass() {
        for strong in ["Xk9#mQ2$vL7@pR4!", "tj4Vw9-bq2Lz-88Kd-fq0P", "my cat ate 3 purple violins at dawn!"] {
            let strength = PassphraseStrength(strong)
            #expect(strength.isStrongEnoughForAnAccount, "\(strong): \(strength.bits) bits, \(strength.patterns.map(\.kind))")
        }
    }

    @Test func patternsAreNamed() {
        func kinds(_ text: String) -> [PassphraseStrength.Pattern.Kind] { PassphraseStrength(text).patterns.map(\.kind) }
        #expect(kinds("password1234") == [.commonPassword, .commonPassword])
        #expect(kinds("password9876") == [.commonPassword, .sequence])
        #expect(kinds("qwertyuiop") == [.commonPassword] || kinds("qwertyuiop") == [.keyboard])
        #expect(kinds("asdfghjkl;'") == [.keyboard])
        #expect(kinds("michael1987") == [.commonPassword, .year] || kinds("michael1987") == [.name, .year])
        #expect(kinds("p4ssw0rd") == [.commonPassword])
        #expect(kinds("drowssap") == [.commonPassword])
        #expect(kinds("zzzzzzzz") == [.repeat])
        #expect(kinds("24.12.1990") == [.date])
        #expect(kinds("ZQ") == [.bruteForce])
        #expect(PassphraseStrength("").bits == 0)
        // Capitals cost a bit; l33t a bit a substitution; reversing a bit.
        #expect(PassphraseStrength("Password").bits == PassphraseStrength("password").bits + 1)
        #expect(PassphraseStrength("drowssap").bits == PassphraseStrength("password").bits + 1)
    }

    @Test func hostileInputIsBoundedAndNeverCrashes() {
        for text in [String(repeating: "a", count: 4096), String(repeating: "ab1!", count: 1024), "\u{0}\u{FFFF}😀é", "  ", "\t\n"] {
            _ = PassphraseStrength(text).bits
        }
    }
}

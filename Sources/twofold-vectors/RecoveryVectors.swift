import TwofoldCrypto
import TwofoldProtocol

/// `recovery/`: the recovery key as 24 words and the key pairs derived from it
/// (Protocol/crypto.md, "Recovery key").
///
/// Header on success: `key` (32 bytes, hex), `ed25519-public-key`, `x25519-public-key`.
/// Data: the words as a person would type them (any case, any whitespace).
enum RecoveryVectors: VectorFamily {
    static let directory = "recovery"
    typealias F = Fixtures

    static let sampleKey = try! RecoveryKey(secret: SecureBytes(Seed.bytes("recovery-key")))

    static func success(_ name: String, _ comment: String, key: [UInt8], text: String? = nil) -> VectorFile {
        let recovery = try! RecoveryKey(secret: SecureBytes(key))
        let pairs = recovery.keyPairs
        return F.file("\(directory)/\(name)", "success", comment, [
            .init("key", Hex.encode(key)),
            .init("ed25519-public-key", Hex.encode(pairs.signing.publicKey)),
            .init("x25519-public-key", Hex.encode(pairs.box.publicKey)),
        ], data: (text ?? recovery.phrase) + "\n")
    }

    static func failure(_ name: String, _ expect: String, _ comment: String, words: [String], extra: [VectorFile.Field] = []) -> VectorFile {
        F.file("\(directory)/\(name)", expect, comment, extra, data: words.joined(separator: " ") + "\n")
    }

    static func files() -> [VectorFile] {
        let sample = sampleKey.secret.copyBytes()
        let words = sampleKey.words
        var mixed = ""
        for (i, word) in words.enumerated() {
            mixed += (i % 3 == 0 ? word.uppercased() : i % 3 == 1 ? word.prefix(1).uppercased() + word.dropFirst() : word)
            if i < words.count - 1 { mixed += i == 11 ? "\n\t" : i % 5 == 4 ? "   " : " " }
        }
        var badChecksum = words
        badChecksum[23] = BIP39Sample.otherLastWord(words)
        var unknown = words
        unknown[4] = "abandonn"
        let swapped = BIP39Sample.swappedFailingChecksum(words)
        return [
            success("zero", "BIP-39 vector: 32 zero bytes", key: [UInt8](repeating: 0, count: 32)),
            success("7f", "BIP-39 vector: 32 bytes of 0x7f", key: [UInt8](repeating: 0x7f, count: 32)),
            success("ff", "BIP-39 vector: 32 bytes of 0xff", key: [UInt8](repeating: 0xff, count: 32)),
            success("sample", "a seeded key: the recovery grant in grants/recovery is sealed to its X25519 key", key: sample),
            success("sample-case-and-spaces", "the same key typed in mixed case, with tabs, runs of spaces and a line break",
                    key: sample, text: "  " + mixed),
            failure("checksum-wrong", "checksum failure", "the last word replaced: all words known, checksum wrong", words: badChecksum),
            failure("words-swapped", "checksum failure", "two words swapped", words: swapped),
            failure("word-unknown", "word failure", "word 5 misspelt; the error names it",
                    words: unknown, extra: [.init("bad-word", "abandonn"), .init("bad-position", "5")]),
            failure("word-count-23", "word failure", "the last word missing", words: Array(words.dropLast())),
            failure("word-count-25", "word failure", "one word too many", words: words + ["abandon"]),
        ]
    }
}

/// Helpers that pick deterministic wrong phrases.
enum BIP39Sample {
    /// The first list word that, as the 24th, breaks the checksum.
    static func otherLastWord(_ words: [String]) -> String {
        for candidate in ["zoo", "abandon", "ability", "able"] where candidate != words[23] {
            if (try? RecoveryKey(words: (words.dropLast() + [candidate]).joined(separator: " "))) == nil { return candidate }
        }
        fatalError("no failing last word")
    }

    /// The first pair of adjacent words whose swap breaks the checksum.
    static func swappedFailingChecksum(_ words: [String]) -> [String] {
        for i in 0..<23 where words[i] != words[i + 1] {
            var swapped = words
            swapped.swapAt(i, i + 1)
            if (try? RecoveryKey(words: swapped.joined(separator: " "))) == nil { return swapped }
        }
        fatalError("no failing swap")
    }
}

import Foundation

/// How many guesses an attacker who knows how people choose passphrases needs, in the
/// manner of zxcvbn (Wheeler, USENIX Security 2016): the passphrase is cut into the
/// cheapest sequence of patterns — dictionary words (common passwords, names, English
/// words, the BIP-39 list; reversed, capitalised or in l33t), keyboard walks, alphabetic
/// and digit runs, repeats, years and dates — and brute force for the rest, and the
/// guesses of the parts are multiplied. It errs low (no factor for the order of the
/// parts), which only refuses more.
///
/// The account passphrase alone opens every token from a copy of the relay's store, so
/// it must hold about 2^50 guesses ([CRY-13]'s Argon2id cost makes each guess ~0.5 s):
/// ``accountMinimumBits``. Six random BIP-39 words (``generate(words:)``) hold 66 bits.
public struct PassphraseStrength: Sendable, Equatable {
    /// log2 of the estimated guesses.
    public let bits: Double
    /// The cheapest patterns found, in order, for the message ("a common password", …).
    public let patterns: [Pattern]

    /// The least an account passphrase must hold (issue 20: `password1234` fell on the fifth guess).
    public static let accountMinimumBits = 50.0
    /// Below this a local passphrase gets a warning (it guards only this device's copy).
    public static let localWarningBits = 35.0

    /// How much of a passphrase is examined.
    static let examinedCharacters = 128

    /// One part of the passphrase and what it costs to guess.
    public struct Pattern: Sendable, Equatable {
        /// What kind of part.
        public enum Kind: String, Sendable {
            case commonPassword = "a common password"
            case name = "a common name"
            case word = "an English word"
            case bip39 = "a word from the BIP-39 list"
            case keyboard = "a keyboard walk"
            case sequence = "a run like abc or 123"
            case `repeat` = "a repeated character or block"
            case year = "a year"
            case date = "a date"
            case bruteForce = "random characters"
        }

        /// The kind.
        public var kind: Kind
        /// Where it is in the passphrase (characters).
        public var range: Range<Int>
        /// log2 of its guesses.
        public var bits: Double
    }

    /// Estimates `passphrase`.
    public init(_ passphrase: String) {
        // Only the first 128 characters are looked at (the matchers are quadratic): a
        // longer passphrase is rated as its start, which only errs low.
        let characters = Array(passphrase.prefix(Self.examinedCharacters))
        let matches = Self.matches(in: characters)
        // best[i]: the cheapest cover of characters[0..<i] (bits, patterns).
        var best: [(bits: Double, patterns: [Pattern])] = [(0, [])]
        best.reserveCapacity(characters.count + 1)
        for end in 1...max(characters.count, 1) where !characters.isEmpty {
            // Brute force for one more character is always possible.
            let brute = Self.bruteForceBits(characters[end - 1])
            var choice = (bits: best[end - 1].bits + brute, patterns: Self.extend(best[end - 1].patterns, Pattern(kind: .bruteForce, range: (end - 1)..<end, bits: brute)))
            for match in matches where match.range.upperBound == end {
                let total = best[match.range.lowerBound].bits + match.bits
                if total < choice.bits { choice = (total, best[match.range.lowerBound].patterns + [match]) }
            }
            best.append(choice)
        }
        bits = characters.isEmpty ? 0 : best[characters.count].bits
        patterns = characters.isEmpty ? [] : best[characters.count].patterns
    }

    /// Joins adjacent brute-force characters into one pattern.
    static func extend(_ patterns: [Pattern], _ next: Pattern) -> [Pattern] {
        guard next.kind == .bruteForce, let last = patterns.last, last.kind == .bruteForce,
              last.range.upperBound == next.range.lowerBound else { return patterns + [next] }
        return Array(patterns.dropLast()) + [Pattern(kind: .bruteForce, range: last.range.lowerBound..<next.range.upperBound, bits: last.bits + next.bits)]
    }

    /// Whether it holds ``accountMinimumBits``.
    public var isStrongEnoughForAnAccount: Bool { bits >= Self.accountMinimumBits }

    /// Why it is weak, in words: "it is mostly a common password and a run like abc or 123".
    public var weakness: String {
        var kinds: [String] = []
        for pattern in patterns where pattern.kind != .bruteForce && !kinds.contains(pattern.kind.rawValue) {
            kinds.append(pattern.kind.rawValue)
        }
        let guesses = "about 2^\(Int(bits.rounded(.down))) guesses"
        guard !kinds.isEmpty else { return "it is short: \(guesses)" }
        let list = kinds.count == 1 ? kinds[0] : kinds.dropLast().joined(separator: ", ") + " and " + kinds.last!
        return "it is made of \(list): \(guesses)"
    }

    /// A passphrase of `words` random BIP-39 words (11 bits each) joined by spaces.
    public static func generate(words: Int = 6) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<words).map { _ in BIP39WordList.english[Int.random(in: 0..<BIP39WordList.english.count, using: &generator)] }
            .joined(separator: " ")
    }

    /// Bits of one character guessed by brute force: its class's size.
    static func bruteForceBits(_ character: Character) -> Double {
        if character.isLowercase { return log2(26) }
        if character.isUppercase { return log2(26) + 0.5 }
        if character.isNumber { return log2(10) }
        if character == " " { return 1 }
        if character.isASCII { return log2(33) }
        return log2(100)
    }
}

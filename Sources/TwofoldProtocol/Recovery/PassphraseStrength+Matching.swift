import Foundation

extension PassphraseStrength {
    /// Every pattern found in `characters`, each with its guesses (zxcvbn's "omnimatch").
    static func matches(in characters: [Character]) -> [Pattern] {
        // A character whose lower case is not one character (rare) stays as it is.
        let lower = characters.map { character -> Character in
            let text = character.lowercased()
            return text.count == 1 ? Character(text) : character
        }
        var found: [Pattern] = []
        found += dictionaryMatches(characters, lower)
        found += keyboardMatches(lower)
        found += sequenceMatches(lower)
        found += repeatMatches(characters)
        found += dateMatches(characters)
        return found
    }

    // MARK: Dictionaries

    /// l33t substitutions undone before looking words up.
    static let leet: [Character: Character] = [
        "4": "a", "@": "a", "8": "b", "(": "c", "3": "e", "6": "g", "1": "i", "!": "i", "|": "l",
        "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z", "%": "x",
    ]

    static func dictionaryMatches(_ original: [Character], _ lower: [Character]) -> [Pattern] {
        var found: [Pattern] = []
        let count = lower.count
        for start in 0..<count where start + 3 <= count {
            for end in (start + 3)...min(count, start + 24) {
                let slice = Array(lower[start..<end])
                var best: Pattern?
                func consider(_ word: String, extra: Double) {
                    guard let (kind, rankBits) = lookUp(word) else { return }
                    let bits = rankBits + extra + capitalisationBits(original[start..<end])
                    if best == nil || bits < best!.bits { best = Pattern(kind: kind, range: start..<end, bits: bits) }
                }
                consider(String(slice), extra: 0)
                consider(String(slice.reversed()), extra: 1)
                let substituted = slice.filter { leet[$0] != nil }.count
                if substituted > 0 {
                    consider(String(slice.map { leet[$0] ?? $0 }), extra: Double(min(substituted, 3)))
                    // "1" may stand for "l" as well as "i".
                    if slice.contains("1") {
                        consider(String(slice.map { $0 == "1" ? "l" : (leet[$0] ?? $0) }), extra: Double(min(substituted, 3)))
                    }
                }
                if let best { found.append(best) }
            }
        }
        return found
    }

    /// The word's kind and log2 of its rank in the lists; BIP-39 words are all equally
    /// likely (a generated phrase picks them uniformly), so each costs 11 bits.
    static func lookUp(_ word: String) -> (Pattern.Kind, Double)? {
        if let rank = CommonPasswords.rank[word] { return (.commonPassword, log2(Double(rank + 1))) }
        if let rank = CommonPasswords.nameRank[word] { return (.name, log2(Double(rank + 1)) + 1) }
        if BIP39WordList.indexByWord[word] != nil { return (.bip39, log2(Double(BIP39WordList.english.count))) }
        return nil
    }

    /// zxcvbn's upper-case variations: none free, first letter or all capitals one bit,
    /// otherwise one bit per capital.
    static func capitalisationBits(_ characters: ArraySlice<Character>) -> Double {
        let upper = characters.filter(\.isUppercase).count
        if upper == 0 { return 0 }
        if upper == characters.count || (upper == 1 && characters.first!.isUppercase) { return 1 }
        return Double(upper)
    }

    // MARK: Keyboard walks

    static let keyboardRows = ["`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"].map(Array.init)
    static let keyPositions: [Character: (row: Int, column: Int)] = {
        var positions: [Character: (Int, Int)] = [:]
        for (row, keys) in keyboardRows.enumerated() {
            for (column, key) in keys.enumerated() { positions[key] = (row, column) }
        }
        return positions
    }()

    /// The step from `a` to `b` on a QWERTY keyboard, or nil when they are not neighbours.
    static func keyStep(_ a: Character, _ b: Character) -> (Int, Int)? {
        guard let p = keyPositions[a], let q = keyPositions[b] else { return nil }
        let step = (q.row - p.row, q.column - p.column)
        guard abs(step.0) <= 1, abs(step.1) <= 1, step != (0, 0) else { return nil }
        return step
    }

    /// Runs of neighbouring keys (qwerty, asdfgh, 1qaz2wsx): the start key, the first
    /// direction, 3 bits for each turn, and the length.
    static func keyboardMatches(_ lower: [Character]) -> [Pattern] {
        var found: [Pattern] = []
        var start = 0
        while start < lower.count {
            var end = start + 1
            var turns = 0
            var direction: (Int, Int)?
            while end < lower.count, let step = keyStep(lower[end - 1], lower[end]) {
                if let direction, direction != step { turns += 1 }
                direction = step
                end += 1
            }
            if end - start >= 4 {
                for cut in (start + 4)...end {
                    found.append(Pattern(kind: .keyboard, range: start..<cut,
                                         bits: log2(47) + 3 + Double(turns) * 3 + log2(Double(cut - start))))
                }
            }
            start = max(end - 1, start + 1)
        }
        return found
    }

    // MARK: Runs, repeats, dates

    /// abcd, 9876, acegi: a start, a direction and step, a length.
    static func sequenceMatches(_ lower: [Character]) -> [Pattern] {
        var found: [Pattern] = []
        let values = lower.map { $0.unicodeScalars.first!.value }
        var start = 0
        while start + 2 < lower.count {
            let step = Int(values[start + 1]) - Int(values[start])
            var end = start + 1
            while end < lower.count, Int(values[end]) - Int(values[end - 1]) == step, abs(step) <= 2, step != 0,
                  lower[end].isLetter == lower[start].isLetter, lower[end].isNumber == lower[start].isNumber {
                end += 1
            }
            if end - start >= 3 {
                let alphabet = lower[start].isNumber ? 10.0 : 26.0
                found.append(Pattern(kind: .sequence, range: start..<end, bits: log2(alphabet) + 2 + log2(Double(end - start))))
            }
            start = max(end - 1, start + 1)
        }
        return found
    }

    /// aaaa, abcabc: the block's own guesses and the number of repeats.
    static func repeatMatches(_ characters: [Character]) -> [Pattern] {
        var found: [Pattern] = []
        let count = characters.count
        for start in 0..<count {
            for block in 1...max(1, min(16, (count - start) / 2)) where start + 2 * block <= count {
                var repeats = 1
                while start + (repeats + 1) * block <= count,
                      Array(characters[(start + repeats * block)..<(start + (repeats + 1) * block)]) == Array(characters[start..<(start + block)]) {
                    repeats += 1
                }
                guard repeats >= 2, repeats * block >= 3 else { continue }
                let unit = block == 1 ? bruteForceBits(characters[start]) : PassphraseStrength(String(characters[start..<(start + block)])).bits
                found.append(Pattern(kind: .repeat, range: start..<(start + repeats * block), bits: unit + log2(Double(repeats))))
            }
        }
        return found
    }

    /// Years 1900–2049 and dates of 6 or 8 digits, with or without separators.
    static func dateMatches(_ characters: [Character]) -> [Pattern] {
        var found: [Pattern] = []
        let count = characters.count
        for start in 0..<count {
            for length in [4, 6, 8, 10] where start + length <= count {
                let part = characters[start..<(start + length)]
                let digits = part.filter(\.isNumber)
                let separators = part.filter { "/-._ ".contains($0) }
                guard digits.count + separators.count == length else { continue }
                if length == 4, separators.isEmpty, let year = Int(String(digits)), (1900...2049).contains(year) {
                    found.append(Pattern(kind: .year, range: start..<(start + 4), bits: log2(150)))
                } else if (digits.count == 6 || digits.count == 8), separators.count == 0 || separators.count == 2 {
                    found.append(Pattern(kind: .date, range: start..<(start + length),
                                         bits: log2(365 * (digits.count == 8 ? 150 : 100)) + (separators.isEmpty ? 0 : 2)))
                }
            }
        }
        return found
    }
}

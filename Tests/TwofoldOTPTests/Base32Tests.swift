import Testing

@testable import TwofoldOTP

@Suite("Base32 (RFC 4648 §6)")
struct Base32Tests {
    /// RFC 4648 §10 test vectors.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ]

    @Test func rfc4648Vectors() throws {
        for (plain, encoded) in Self.rfc4648 {
            let bytes = Array(plain.utf8)
            let unpadded = String(encoded.filter { $0 != "=" })
            #expect(Base32.encode(bytes) == unpadded)
            #expect(try Base32.decode(encoded) == bytes)
            #expect(try Base32.decode(unpadded) == bytes)
            #expect(try Base32.decode(unpadded.lowercased()) == bytes)
        }
    }

    @Test func roundTripsRandomBytes() throws {
        var random = SeededRandom(seed: SeededRandom.seed)
        for length in 0..<200 {
            let bytes = random.bytes(count: length)
            let encoded = Base32.encode(bytes)
            #expect(encoded.count == (length * 8 + 4) / 5)
            #expect(encoded.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
            #expect(try Base32.decode(encoded) == bytes, "length \(length), seed \(SeededRandom.seed)")
            #expect(try Base32.decode(encoded.lowercased()) == bytes)
        }
    }

    @Test func acceptsSpacesLowerCaseAndMissingPadding() throws {
        let expected = Array("foobar".utf8)
        #expect(try Base32.decode("mzxw 6ytb oi") == expected)
        #expect(try Base32.decode("  MZXW6YTBOI  ") == expected)
        #expect(try Base32.decode("MzXw6yTbOi") == expected)
        #expect(try Base32.decode("MZXW6YTBOI ====== ") == expected)
        #expect(try Base32.decode("") == [])
        #expect(try Base32.decode("    ") == [])
    }

    /// RFC 4648 §3.5 lets decoders reject non-zero bits after the last byte; we accept
    /// them like other authenticator apps. "M7" has two trailing 1 bits.
    @Test func acceptsNonCanonicalTrailingBits() throws {
        #expect(try Base32.decode("MY") == [0x66])
        #expect(try Base32.decode("M7") == [0x67])
        #expect(Base32.encode([0x67]) == "M4")
    }

    @Test(arguments: [1, 3, 6, 9, 11, 14, 17])
    func rejectsImpossibleLengths(length: Int) {
        let text = String(repeating: "A", count: length)
        #expect(throws: OTPError.invalidBase32Length) { try Base32.decode(text) }
    }

    @Test(arguments: [2, 4, 5, 7, 8, 10, 12, 13, 15, 16])
    func acceptsPossibleLengths(length: Int) throws {
        let bytes = try Base32.decode(String(repeating: "A", count: length))
        #expect(bytes.count == length * 5 / 8)
    }

    @Test(arguments: [
        "MZXW6=", "MZXW6====", "MZXW6YTB========", "MZ=XW6", "=", "========", "MY======MY", "MZXW6YQ=A",
    ])
    func rejectsBadPadding(text: String) {
        #expect(throws: OTPError.invalidBase32Length) { try Base32.decode(text) }
    }

    /// Every ASCII character outside the alphabet, space and `=` is named in the error.
    @Test func rejectsEveryOtherASCIICharacter() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz234567 =")
        for value in UInt8(0)...UInt8(127) {
            let character = Character(Unicode.Scalar(value))
            if allowed.contains(character) { continue }
            #expect(throws: OTPError.invalidBase32Character(character)) {
                try Base32.decode("MZXW" + String(character) + "6YTB")
            }
        }
    }

    @Test(arguments: [
        ("JBSWY3DPÉ", "É"), ("👍", "👍"), ("MZXW6A\u{301}", "A\u{301}"), ("ＭＺＸＷ", "Ｍ"),
        ("MZ\r\nXW", "\r\n"), ("MZ\u{0}XW", "\u{0}"), ("MZ\u{202E}XW", "\u{202E}"), ("0O", "0"), ("1I", "1"),
    ] as [(String, Character)])
    func namesTheFirstBadCharacter(text: String, bad: Character) {
        #expect(throws: OTPError.invalidBase32Character(bad)) { try Base32.decode(text) }
    }

    @Test func messagesDoNotCarryControlCharacters() {
        let message = OTPError.invalidBase32Character("\u{1B}").description
        #expect(message.contains("\\u{1B}"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func hostileInputIsLinear() throws {
        let size = 10_000_000
        let clock = ContinuousClock()
        let start = clock.now
        let valid = String(repeating: "A", count: size)
        #expect(try Base32.decode(valid).count == size * 5 / 8)
        #expect(throws: OTPError.invalidBase32Character("1")) {
            try Base32.decode(valid + "1")
        }
        #expect(throws: OTPError.invalidBase32Character("😀")) {
            try Base32.decode(String(repeating: "😀", count: size / 4))
        }
        #expect(throws: OTPError.invalidBase32Character("\u{0}")) {
            try Base32.decode(String(repeating: "\u{0}", count: size))
        }
        #expect(throws: OTPError.invalidBase32Length) {
            try Base32.decode(String(repeating: "=", count: size))
        }
        let elapsed = clock.now - start
        // Generous: catches quadratic behaviour (hours), not slow machines.
        #expect(elapsed < .seconds(60))
    }
}

import Testing

@testable import TwofoldOTP

/// A small in-process fuzzer: mutated Key URIs must either parse to a valid token that
/// survives a format/parse round trip, or fail with an ``OTPError``. Never trap.
@Suite("Key URI mutations")
struct KeyURIMutationTests {
    static let seeds: [String] = [
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
        "otpauth://hotp/a+b:c?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615&digits=10",
        "otpauth://steam/Steam:gaben?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
        "otpauth://totp/%E6%97%A5:%F0%9F%91%8D?secret=mzxw6ytboi======&encoder=steam",
    ]

    /// Pieces that hit the parser's edges: delimiters, escapes, digits, odd Unicode.
    static let pieces: [String] = [
        "%", "%3A", "%3a", "%2", "%ZZ", "%00", "%FF", "%C3", "%F0%9F", ":", "/", "?", "&", "=", "+", "#", " ",
        "\u{0}", "\n", "\u{1B}", "\u{202E}", "\u{301}", "é", "👩‍👩‍👧", "0", "9", "-", "1", "8", "A", "z",
        "secret=", "counter=", "digits=", "period=", "algorithm=", "issuer=", "encoder=steam", "otpauth://",
    ]

    @Test func mutatedURIsNeverTrap() throws {
        var random = SeededRandom(seed: SeededRandom.seed ^ 0xF022)
        var parsed = 0
        for round in 0..<5000 {
            var characters = Array(Self.seeds.randomElement(using: &random)!)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...characters.count, using: &random)
                let piece = Array(Self.pieces.randomElement(using: &random)!)
                switch Int.random(in: 0..<3, using: &random) {
                case 0:
                    characters.insert(contentsOf: piece, at: position)
                case 1 where position < characters.count:
                    characters.remove(at: position)
                default:
                    let end = min(characters.count, position + Int.random(in: 0...3, using: &random))
                    characters.replaceSubrange(position..<end, with: piece)
                }
            }
            let uri = String(characters)
            do {
                let token = try KeyURI.parse(uri)
                parsed += 1
                try token.validate()
                #expect(try KeyURI.parse(KeyURI.format(token)) == token, "seed \(SeededRandom.seed) round \(round): \(uri)")
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        // Some mutations keep the URI valid; if none did, the test would prove little.
        #expect(parsed > 100)
    }
}

import Testing

@testable import TwofoldOTP

@Suite("Key URI parse and format")
struct KeyURITests {
    static let secret = "JBSWY3DPEHPK3PXP"

    // MARK: Round trips

    /// Name pieces that stress the encoder: every URI delimiter, `+` and `%`, spaces,
    /// non-ASCII, emoji with joiners, combining marks, right-to-left text.
    static let atoms: [String] = [
        "a", "Z", "0", "-", ".", "_", "~", ":", "@", "+", "%", "%3A", "%2", "&", "=", "?", "#", "/", "\\",
        "'", "\"", "<", ">", "é", "e\u{301}", "ß", "日本", "👍", "👩‍👩‍👧", "🇫🇷", "\u{202E}", "עברית",
        "\u{00A0}", "Ω", "*", ",", ";", "!", "$", "(", ")", "[", "]", "{", "}", "|", "^", "`",
    ]

    /// A random name: never starting or ending with whitespace (parse trims it) and
    /// never starting with a combining mark.
    static func name(_ random: inout SeededRandom) -> String {
        let count = Int.random(in: 0...8, using: &random)
        var pieces = (0..<count).map { _ in atoms.randomElement(using: &random)! }
        if Bool.random(using: &random), pieces.count > 2 { pieces.insert(" ", at: 1) }
        let text = pieces.joined()
        return text.first?.isWhitespace == true || text.last?.isWhitespace == true ? "x" + text + "x" : text
    }

    static func randomToken(_ random: inout SeededRandom) -> OTPToken {
        let kind = OTPKind.allCases.randomElement(using: &random)!
        return OTPToken(
            kind: kind,
            secret: random.bytes(count: Int.random(in: 1...64, using: &random)),
            issuer: name(&random),
            account: name(&random),
            algorithm: OTPAlgorithm.allCases.randomElement(using: &random)!,
            digits: kind == .steam ? nil : Int.random(in: 6...10, using: &random),
            period: kind == .steam
                ? 30 : [1, 15, 30, 60, 3600, Int.random(in: 1...3600, using: &random)].randomElement(using: &random)!,
            counter: [0, 1, UInt64.max, random.next()].randomElement(using: &random)!)
    }

    @Test func formatThenParseGivesTheSameToken() throws {
        var random = SeededRandom(seed: SeededRandom.seed)
        for _ in 0..<1000 {
            var token = Self.randomToken(&random)
            try token.validate()
            let uri = KeyURI.format(token)
            #expect(uri.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "formatted URIs are printable ASCII: \(uri)")
            let parsed = try KeyURI.parse(uri)
            #expect(parsed == token, "seed \(SeededRandom.seed): \(uri)")
            token.tags = ["work"]
            token.note = "note"
            #expect(try KeyURI.parse(KeyURI.format(token)).tags.isEmpty, "tags are not part of the URI")
        }
    }

    @Test func formatWritesEveryParameter() {
        let secret: [UInt8] = Array("12345678901234567890".utf8)
        let hotp = OTPToken(kind: .hotp, secret: secret, issuer: "Ex", account: "a", counter: 42)
        #expect(
            KeyURI.format(hotp)
                == "otpauth://hotp/Ex:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex&algorithm=SHA1&digits=6&counter=42")
        let bare = OTPToken(kind: .totp, secret: secret)
        #expect(
            KeyURI.format(bare) == "otpauth://totp/?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30")
        #expect(KeyURI.formatLabel(issuer: "Ex", account: "") == "Ex:")
        #expect(KeyURI.formatLabel(issuer: "", account: "a:b") == ":a%3Ab")
    }

    // MARK: Decisions

    @Test func plusIsASpaceInTheQueryButLiteralInTheLabel() throws {
        let token = try KeyURI.parse("otpauth://totp/a+b:c+d?secret=\(Self.secret)")
        #expect(token.issuer == "a+b")
        #expect(token.account == "c+d")
        let spaced = try KeyURI.parse("otpauth://totp/x?secret=\(Self.secret)&issuer=Big+Co%20Ltd")
        #expect(spaced.issuer == "Big Co Ltd")
        let escaped = try KeyURI.parse("otpauth://totp/x?secret=\(Self.secret)&issuer=A%2BB")
        #expect(escaped.issuer == "A+B")
    }

    @Test func issuerParameterWinsAndEmptyIssuerIsAbsent() throws {
        #expect(try KeyURI.parse("otpauth://totp/Old:bob?secret=\(Self.secret)&issuer=New").issuer == "New")
        #expect(try KeyURI.parse("otpauth://totp/Old:bob?secret=\(Self.secret)&issuer=").issuer == "Old")
        #expect(try KeyURI.parse("otpauth://totp/Old:bob?secret=\(Self.secret)&issuer=+").issuer == "Old")
        #expect(try KeyURI.parse("otpauth://totp/bob?secret=\(Self.secret)&issuer=New").account == "bob")
    }

    @Test func labelSplitting() throws {
        func parts(_ label: String) throws -> [String] {
            let token = try KeyURI.parse("otpauth://totp/\(label)?secret=\(Self.secret)")
            return [token.issuer, token.account]
        }
        #expect(try parts("Issuer:acct") == ["Issuer", "acct"])
        #expect(try parts("Big%20Corporation%3A%20alice%40bigco.com") == ["Big Corporation", "alice@bigco.com"])
        #expect(try parts("Provider1:Alice%20Smith") == ["Provider1", "Alice Smith"])
        #expect(try parts("Issuer%3Aacct") == ["Issuer", "acct"])
        #expect(try parts("Issuer%3aacct") == ["Issuer", "acct"])
        #expect(try parts("Issuer:%20%20acct%20") == ["Issuer", "acct"])
        #expect(try parts("%20Issuer%20:acct") == ["Issuer", "acct"])
        #expect(try parts("a:b:c") == ["a", "b:c"])
        #expect(try parts("a%3Ab:c") == ["a:b", "c"])
        #expect(try parts(":a%3Ab") == ["", "a:b"])
        #expect(try parts("acct") == ["", "acct"])
        #expect(try parts("") == ["", ""])
        #expect(try parts("C#:x#1") == ["C#", "x#1"])
        #expect(try parts("%E2%80%AEevil") == ["", "\u{202E}evil"])
    }

    @Test func lenientSpellings() throws {
        let token = try KeyURI.parse(" \n OtpAuth://ToTp/x?Secret=jbsw+y3dp+ehpk+3pxp&DIGITS=08&Period=060&algorithm=Sha-256 \r\n")
        #expect(token.secret == (try Base32.decode(Self.secret)))
        #expect(token.digits == 8)
        #expect(token.period == 60)
        #expect(token.algorithm == .sha256)
        #expect(try KeyURI.parse("otpauth://totp?secret=\(Self.secret)").account == "")
        #expect(try KeyURI.parse("otpauth://HOTP/x?secret=\(Self.secret)&counter=18446744073709551615").counter == .max)
        #expect(try KeyURI.parse("otpauth://STEAM/x?secret=\(Self.secret)").kind == .steam)
        #expect(try KeyURI.parse("otpauth://totp/x?secret=\(Self.secret)&encoder=STEAM").kind == .steam)
        #expect(try KeyURI.parse("otpauth://hotp/x?secret=\(Self.secret)&counter=1&encoder=steam").kind == .hotp)
        #expect(try KeyURI.parse("otpauth://totp/x?secret=\(Self.secret)&encoder=other").kind == .totp)
    }

    // MARK: Rejections

    @Test(arguments: [
        ("http://totp/x?secret=JBSWY3DPEHPK3PXP", OTPError.notOTPAuthURI),
        ("otpauth:totp/x?secret=JBSWY3DPEHPK3PXP", .notOTPAuthURI),
        ("otpauth:/", .notOTPAuthURI),
        ("", .notOTPAuthURI),
        ("otpauth://", .unknownType("")),
        ("otpauth:///x?secret=JBSWY3DPEHPK3PXP", .unknownType("")),
        ("otpauth://totpx/x?secret=JBSWY3DPEHPK3PXP", .unknownType("totpx")),
        ("otpauth://totp/x", .emptySecret),
        ("otpauth://totp/x?secret", .emptySecret),
        ("otpauth://totp/x?secret=%20=", .invalidBase32Length),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX8", .invalidBase32Character("8")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PX%F0%9F%98%80", .invalidBase32Character("😀")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA3", .unknownAlgorithm("SHA3")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=", .unknownAlgorithm("")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=", .invalidParameter(name: "digits", value: "")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=+6", .invalidParameter(name: "digits", value: " 6")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=-6", .invalidParameter(name: "digits", value: "-6")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=0x6", .invalidParameter(name: "digits", value: "0x6")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=%D9%A6", .invalidParameter(name: "digits", value: "٦")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99999999999999999999", .invalidParameter(name: "digits", value: "99999999999999999999")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9223372036854775808", .invalidParameter(name: "digits", value: "9223372036854775808")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9223372036854775807", .digitsOutOfRange(.max)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=0", .digitsOutOfRange(0)),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&digits=11&counter=0", .digitsOutOfRange(11)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1e3", .invalidParameter(name: "period", value: "1e3")),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0", .periodOutOfRange(0)),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=86400", .periodOutOfRange(86400)),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", .missingCounter),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1", .invalidParameter(name: "counter", value: "-1")),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=", .invalidParameter(name: "counter", value: "")),
    ] as [(String, OTPError)])
    func rejects(uri: String, error: OTPError) {
        #expect(throws: error) { try KeyURI.parse(uri) }
    }

    @Test(arguments: [
        "otpauth://totp/x%?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x%4?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x%4G?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=%",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PX%",
        "otpauth://totp/x?sec%ret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&unknown=%%",
        "otpauth://totp/x%C3?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=%ED%A0%80",
        "otpauth://totp/x%1B%5B31m?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x\u{7}?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=a%0Ab",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&SECRET=GEZDGNBVGY3TQOJQ",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=6&digits=8",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=a&iss%75er=b",
    ])
    func rejectsMalformed(uri: String) {
        #expect {
            try KeyURI.parse(uri)
        } throws: { error in
            guard case .malformedURI = error as? OTPError else { return false }
            return true
        }
    }

    // MARK: Hostile input

    @Test func hostileInputFailsFastAndLinearly() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let huge = "otpauth://totp/x?secret=" + String(repeating: "A", count: 10_000_000)
        #expect(throws: OTPError.malformedURI("the URI is longer than 65536 bytes")) { try KeyURI.parse(huge) }
        #expect(throws: OTPError.malformedURI("the URI is longer than 65536 bytes")) {
            try KeyURI.parse(String(repeating: "\u{0}", count: 10_000_000))
        }

        let limit = KeyURI.maximumLength
        let ampersands = "otpauth://totp/x?secret=\(Self.secret)" + String(repeating: "&", count: limit - 40)
        #expect(try KeyURI.parse(ampersands).account == "x")
        let manyUnknown = String(repeating: "a=1&", count: (limit - 60) / 4)
        #expect(try KeyURI.parse("otpauth://totp/x?\(manyUnknown)secret=\(Self.secret)").account == "x")
        let equals = "otpauth://totp/x?secret=\(Self.secret)&issuer=" + String(repeating: "=", count: limit - 60)
        #expect(try KeyURI.parse(equals).issuer.count == limit - 60)
        let emojiLabel = "otpauth://totp/" + String(repeating: "%F0%9F%98%80", count: (limit - 60) / 12) + "?secret=\(Self.secret)"
        #expect(try KeyURI.parse(emojiLabel).account.unicodeScalars.allSatisfy { $0 == "😀" })
        let colons = "otpauth://totp/" + String(repeating: ":", count: limit - 60) + "?secret=\(Self.secret)"
        #expect(try KeyURI.parse(colons).account.count == limit - 61)
        let combining = "otpauth://totp/a" + String(repeating: "%CC%81", count: (limit - 60) / 6) + "?secret=\(Self.secret)"
        #expect(try KeyURI.parse(combining).account.count == 1)
        let percents = "otpauth://totp/x?secret=\(Self.secret)&issuer=" + String(repeating: "%", count: limit - 60)
        #expect(throws: OTPError.self) { try KeyURI.parse(percents) }
        let longType = "otpauth://" + String(repeating: "t", count: limit - 20)
        #expect(throws: OTPError.self) { try KeyURI.parse(longType) }
        let longDigits = "otpauth://totp/x?secret=\(Self.secret)&digits=" + String(repeating: "9", count: limit - 60)
        #expect(throws: OTPError.self) { try KeyURI.parse(longDigits) }
        let longAlgorithm = "otpauth://totp/x?secret=\(Self.secret)&algorithm=" + String(repeating: "ß", count: (limit - 60) / 2)
        #expect(throws: OTPError.self) { try KeyURI.parse(longAlgorithm) }
        let elapsed = clock.now - start
        // Generous: catches quadratic behaviour (minutes at these sizes), not slow machines.
        #expect(elapsed < .seconds(30))
    }

    @Test func errorValuesAndMessagesStaySmallAndPrintable() {
        let limit = KeyURI.maximumLength
        let hostile = "\u{1B}[2J" + String(repeating: "x", count: limit - 100)
        do {
            _ = try KeyURI.parse("otpauth://totp/x?secret=\(Self.secret)&algorithm=" + hostile)
            Issue.record("expected an error")
        } catch {
            guard case .unknownAlgorithm(let value) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(value.count <= 65)
            #expect(error.description.count < 200)
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
            #expect(error.description.contains("\\u{1B}"))
        }
    }
}

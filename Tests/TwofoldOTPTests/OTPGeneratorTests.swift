import Testing

@testable import TwofoldOTP

@Suite("HOTP, TOTP and Steam codes")
struct OTPGeneratorTests {
    /// The vector directory is there and holds every RFC scenario (a missing directory
    /// would otherwise make the parameterized test below run zero cases).
    @Test func vectorDirectoryIsComplete() {
        let names = VectorFile.names(in: "otp")
        for required in [
            "rfc4226-hotp-sha1", "rfc6238-totp-sha1", "rfc6238-totp-sha256", "rfc6238-totp-sha512",
            "steam-keepassxc",
        ] {
            #expect(names.contains(required), "Protocol/vectors/otp/\(required) is missing")
        }
    }

    /// Each `Protocol/vectors/otp/` file, through the token API and the generator.
    @Test(arguments: VectorFile.names(in: "otp"))
    func vector(name: String) throws {
        let file = try VectorFile.load("otp", name)
        #expect(try file.required("expect") == "success")
        let kind = try #require(OTPKind(rawValue: file.required("kind")))
        let algorithm = try #require(OTPAlgorithm(rawValue: file.header["algorithm"] ?? "SHA1"))
        let digits = try #require(Int(file.header["digits"] ?? "\(kind == .steam ? 5 : 6)"))
        let period = try #require(Int(file.header["period"] ?? "30"))
        let secret = try file.secret()
        let token = OTPToken(kind: kind, secret: secret, algorithm: algorithm, digits: digits, period: period)
        try token.validate()
        #expect(!file.data.isEmpty)

        for line in file.data {
            let fields = line.split(separator: " ")
            try #require(fields.count == 2, "bad data line in \(name): \(line)")
            let expected = String(fields[1])
            switch kind {
            case .hotp:
                let counter = try #require(UInt64(fields[0]))
                #expect(token.code(counter: counter) == expected, "\(name) counter \(counter)")
                #expect(
                    OTPGenerator.hotp(secret: secret, counter: counter, algorithm: algorithm, digits: digits)
                        == expected)
            case .totp:
                let time = try #require(Int64(fields[0]))
                #expect(token.code(atUnixTime: time) == expected, "\(name) time \(time)")
                #expect(
                    OTPGenerator.totp(
                        secret: secret, unixTime: time, period: period, algorithm: algorithm, digits: digits)
                        == expected)
            case .steam:
                let time = try #require(Int64(fields[0]))
                #expect(token.code(atUnixTime: time) == expected, "\(name) time \(time)")
                #expect(OTPGenerator.steam(secret: secret, unixTime: time) == expected)
            }
        }
    }

    @Test func timeStepsFloorAndWrapBefore1970() {
        #expect(OTPGenerator.timeStep(unixTime: 0, period: 30) == 0)
        #expect(OTPGenerator.timeStep(unixTime: 29, period: 30) == 0)
        #expect(OTPGenerator.timeStep(unixTime: 30, period: 30) == 1)
        #expect(OTPGenerator.timeStep(unixTime: 59, period: 30) == 1)
        #expect(OTPGenerator.timeStep(unixTime: -1, period: 30) == UInt64.max)
        #expect(OTPGenerator.timeStep(unixTime: -30, period: 30) == UInt64.max)
        #expect(OTPGenerator.timeStep(unixTime: -31, period: 30) == UInt64.max - 1)
        #expect(OTPGenerator.timeStep(unixTime: .max, period: 1) == UInt64(Int64.max))
        #expect(OTPGenerator.timeStep(unixTime: .min, period: 1) == UInt64(bitPattern: .min))
        #expect(OTPGenerator.timeStep(unixTime: .min, period: 3600) == UInt64(bitPattern: Int64.min / 3600 - 1))
    }

    @Test func secondsRemainingCountsDownToOne() {
        let token = OTPToken(kind: .totp, secret: [1, 2, 3], period: 30)
        #expect(token.secondsRemaining(atUnixTime: 0) == 30)
        #expect(token.secondsRemaining(atUnixTime: 1) == 29)
        #expect(token.secondsRemaining(atUnixTime: 29) == 1)
        #expect(token.secondsRemaining(atUnixTime: 30) == 30)
        #expect(token.secondsRemaining(atUnixTime: -1) == 1)
        #expect(token.secondsRemaining(atUnixTime: -30) == 30)
        for time in [Int64.min, .min + 1, -7, 7, .max - 1, .max] {
            #expect((1...30).contains(token.secondsRemaining(atUnixTime: time)))
            #expect((1...3600).contains(OTPGenerator.secondsRemaining(unixTime: time, period: 3600)))
            #expect(OTPGenerator.secondsRemaining(unixTime: time, period: 1) == 1)
        }
        let steam = OTPToken(kind: .steam, secret: [1, 2, 3])
        #expect(steam.secondsRemaining(atUnixTime: 45) == 15)
        #expect(OTPToken(kind: .hotp, secret: [1]).secondsRemaining(atUnixTime: 45) == 0)
    }

    /// The code at time t is the code for the time step T (RFC 6238 §4.2).
    @Test func totpIsHOTPOfTheTimeStep() {
        var random = SeededRandom(seed: SeededRandom.seed)
        for _ in 0..<200 {
            let period = Int.random(in: 1...3600, using: &random)
            let time = Int64.random(in: -10_000_000_000...100_000_000_000, using: &random)
            let token = OTPToken(
                kind: .totp, secret: random.bytes(count: Int.random(in: 1...64, using: &random)),
                algorithm: OTPAlgorithm.allCases.randomElement(using: &random)!,
                digits: Int.random(in: 6...10, using: &random), period: period)
            let step = token.timeStep(atUnixTime: time)
            #expect(token.code(atUnixTime: time) == token.code(counter: step), "seed \(SeededRandom.seed)")
            #expect(token.code(atUnixTime: time).count == token.digits)
            let code = token.code(atUnixTime: time)
            #expect(code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, "\(code)")
        }
    }

    @Test func hotpTokensUseTheirCounterWhateverTheTime() {
        let token = OTPToken(kind: .hotp, secret: Array("12345678901234567890".utf8), counter: 3)
        #expect(token.code(atUnixTime: 0) == "969429")
        #expect(token.code(atUnixTime: 1_700_000_000) == "969429")
        #expect(token.timeStep(atUnixTime: 99) == 3)
    }

    @Test func steamCodesUseTheSteamAlphabet() {
        var random = SeededRandom(seed: SeededRandom.seed)
        let alphabet = Set("23456789BCDFGHJKMNPQRTVWXY")
        for _ in 0..<200 {
            let token = OTPToken(kind: .steam, secret: random.bytes(count: 20))
            let time = Int64.random(in: 0...4_102_444_800, using: &random)
            let code = token.code(atUnixTime: time)
            #expect(code.count == 5)
            #expect(code.allSatisfy { alphabet.contains($0) }, "\(code)")
            #expect(token.code(counter: token.timeStep(atUnixTime: time)) == code)
        }
    }

    /// Ten digits: the 31-bit value itself, never more than 2^31 − 1, zero-padded.
    @Test func tenDigitCodesArePaddedAndBounded() {
        var random = SeededRandom(seed: SeededRandom.seed)
        for _ in 0..<200 {
            let code = OTPGenerator.hotp(
                secret: random.bytes(count: 20), counter: random.next(), algorithm: .sha256, digits: 10)
            #expect(code.count == 10)
            #expect(UInt64(code)! <= UInt64(Int32.max))
        }
    }

    @Test func digitsOutsideTheGeneratorRangeTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = OTPGenerator.hotp(secret: [1], counter: 0, algorithm: .sha1, digits: 11)
        }
        await #expect(processExitsWith: .failure) {
            _ = OTPGenerator.totp(secret: [1], unixTime: 0, period: 0, algorithm: .sha1, digits: 6)
        }
    }
}

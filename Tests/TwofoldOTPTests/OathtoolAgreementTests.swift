import Foundation
import Testing

@testable import TwofoldOTP

/// `oathtool` (OATH Toolkit), an independent C implementation, found on PATH.
enum Oathtool {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.lazy
            .map { "\($0)/oathtool" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs oathtool and returns its output lines (one code per line).
    static func run(_ arguments: [String]) throws -> [String] {
        guard let path else { throw Failure(description: "oathtool is not on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self)
            throw Failure(description: "oathtool \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// Our codes against oathtool's for random tokens. oathtool supports 6–8 digits and
/// HOTP with SHA1 only, so HOTP with SHA256/SHA512 is compared as TOTP with a 1 s
/// step at time = counter (T = counter, RFC 6238 §4.2).
@Suite("Agreement with oathtool")
struct OathtoolAgreementTests {
    /// Each case asks oathtool for this many codes after the first (`-w`), so one
    /// process checks four consecutive counters or time steps.
    static let window: UInt64 = 3

    // Skipped, with this message in the test report, where oath-toolkit is not
    // installed: the RFC vectors still run everywhere; this adds breadth.
    @Test(.enabled(if: Oathtool.path != nil, "oathtool not on PATH: install oath-toolkit to run this comparison"))
    func randomTokensAgree() throws {
        var random = SeededRandom(seed: SeededRandom.seed ^ 0x0A7_4700_1000)
        var compared = 0
        for round in 0..<300 {
            let secret = random.bytes(count: Int.random(in: 1...64, using: &random))
            let digits = Int.random(in: 6...8, using: &random)
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &random)!
            let hex = Hex.encode(secret)
            let token: OTPToken
            let first: UInt64
            var arguments = ["-d", String(digits), "-w", String(Self.window)]

            switch round % 3 {
            case 0:  // HOTP, SHA1: counters near 0, near 2^32, anywhere in 64 bits.
                let counter = [
                    UInt64.random(in: 0...1000, using: &random),
                    UInt64.random(in: (1 << 32) - 4...(1 << 32) + 4, using: &random),
                    UInt64.random(in: 0...(UInt64.max - Self.window), using: &random),
                ].randomElement(using: &random)!
                token = OTPToken(kind: .hotp, secret: secret, digits: digits, counter: counter)
                first = counter
                arguments += ["-c", String(counter), hex]
            case 1:  // TOTP, any algorithm and period, 1970 to 2100 (and a few far later).
                let period = [30, 60, Int.random(in: 1...3600, using: &random)].randomElement(using: &random)!
                let time = round % 30 == 1
                    ? Int64.random(in: 0...253_402_300_799, using: &random)
                    : Int64.random(in: 0...4_102_444_800, using: &random)
                token = OTPToken(kind: .totp, secret: secret, algorithm: algorithm, digits: digits, period: period)
                first = token.timeStep(atUnixTime: time)
                arguments += ["--totp=\(algorithm.rawValue)", "-s", String(period), "-N", "@\(time)", hex]
            default:  // HOTP with any algorithm, as TOTP with 1 s steps.
                let counter = UInt64.random(in: 0...(1 << 33), using: &random)
                token = OTPToken(kind: .hotp, secret: secret, algorithm: algorithm, digits: digits)
                first = counter
                arguments += ["--totp=\(algorithm.rawValue)", "-s", "1", "-N", "@\(counter)", hex]
            }

            let theirs = try Oathtool.run(arguments)
            let ours = (first...(first + Self.window)).map { token.code(counter: $0) }
            #expect(
                ours == theirs,
                "seed \(SeededRandom.seed), round \(round): oathtool \(arguments.joined(separator: " "))")
            compared += ours.count
        }
        #expect(compared == 300 * Int(Self.window + 1))
    }
}

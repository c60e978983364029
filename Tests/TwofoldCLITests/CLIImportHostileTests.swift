import Foundation
import Testing

/// Malformed, truncated and hostile import files: each is a clear error and leaves the
/// vault byte-for-byte as it was.
@Suite("twofold import, hostile files")
struct CLIImportHostileTests {
    struct Hostile: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String] = []
        var input = ""
        /// What the last line of stderr says.
        var mentions: String
        /// Entry-level failures list each entry before the verdict.
        var oneLine = true
        /// Writes the file and returns its path.
        var make: @Sendable (URL) throws -> String

        var testDescription: String { name }
    }

    static func write(_ text: String) -> @Sendable (URL) throws -> String {
        { url in try text.write(to: url, atomically: true, encoding: .utf8); return url.path }
    }

    static func fixture(_ name: String, _ change: @escaping @Sendable (Data) -> Data) -> @Sendable (URL) throws -> String {
        { url in try change(Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path(name)))).write(to: url); return url.path }
    }

    static func replacing(_ name: String, _ old: String, _ new: String) -> @Sendable (URL) throws -> String {
        fixture(name) { Data(String(decoding: $0, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8) }
    }

    static let cases: [Hostile] = [
        Hostile(name: "100 MB file", mentions: "limit") { url in
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: 100 << 20)
            try handle.close()
            return url.path
        },
        // A stream is read only up to the limit (standard input takes the same path).
        Hostile(name: "endless stream", mentions: "holds more than") { _ in "/dev/zero" },
        Hostile(name: "deep nesting", mentions: "not recognised", make: write(String(repeating: "[", count: 100_000))),
        Hostile(name: "deep nesting as Aegis", args: ["--format", "aegis"], mentions: "nested",
                make: write("{\"header\":" + String(repeating: "{\"a\":", count: 50_000))),
        Hostile(name: "wrong types", mentions: "malformed",
                make: write(#"{"header":{"slots":null,"params":null},"db":{"version":2,"entries":"nope"}}"#)),
        Hostile(name: "huge numbers", mentions: "--skip-invalid", oneLine: false,
                make: replacing("aegis_plain.json", #""digits": 8"#, #""digits": 184467440737095516160000"#)),
        Hostile(name: "huge float", mentions: "not recognised",
                make: replacing("aegis_plain.json", #""period": 50"#, #""period": 1e400"#)),
        Hostile(name: "huge scrypt cost", args: ["--password-stdin"], input: "test\n", mentions: "limits",
                make: replacing("aegis_encrypted.json", #""n": 32768"#, #""n": 1099511627776"#)),
        Hostile(name: "invalid Base32 everywhere", mentions: "cannot be read", oneLine: false,
                make: write("otpauth://totp/A:b?secret=0189\notpauth://totp/C:d?secret=%%%\n")),
        Hostile(name: "truncated Aegis vault", args: ["--password-stdin"], input: "test\n", mentions: "twofold",
                make: fixture("aegis_encrypted.json") { $0.prefix($0.count / 2) }),
        Hostile(name: "truncated andOTP backup", args: ["--password-stdin"], input: "test\n", mentions: "andOTP",
                make: fixture("andotp_encrypted.bin") { $0.prefix(40) }),
        Hostile(name: "tampered andOTP backup", args: ["--password-stdin"], input: "test\n", mentions: "password",
                make: fixture("andotp_encrypted.bin") { var d = $0; d[d.count - 20] ^= 1; return d }),
        Hostile(name: "random bytes", args: ["--password-stdin"], input: "test\n", mentions: "twofold") { url in
            try Data((0..<4096).map { _ in UInt8.random(in: 0...255) }).write(to: url)
            return url.path
        },
        Hostile(name: "empty file", mentions: "not recognised", make: write("")),
        Hostile(name: "too many entries", mentions: "10000 entries",
                make: write((0..<10_001).map { "otpauth://totp/T:\($0)?secret=JBSWY3DPEHPK3PXP" }.joined(separator: "\n"))),
        Hostile(name: "Google payload not Base64", mentions: "cannot be read", oneLine: false,
                make: write("otpauth-migration://offline?data=%%%not-base64\n")),
        Hostile(name: "missing file", mentions: "cannot read") { url in url.path + ".missing" },
        Hostile(name: "a directory", mentions: "directory") { url in
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url.path
        },
    ]

    @Test(arguments: cases)
    func aHostileFileIsAClearErrorAndChangesNothing(_ hostile: Hostile) throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        try cli.run(["add", "--issuer", "Kept", "--account", "me", "--secret", "JBSWY3DPEHPK3PXP"])
        let path = try hostile.make(cli.scratchFile("hostile"))
        let before = cli.snapshot()
        let result = try cli.run(["import", path] + hostile.args, input: hostile.input)
        expectRefused(result, by: cli, before: before, mentions: hostile.mentions, oneLine: hostile.oneLine, hostile.name)
    }
}

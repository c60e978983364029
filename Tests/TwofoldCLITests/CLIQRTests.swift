import Foundation
import Testing

/// `add --qr IMAGE` on images made by independent tools: `qrencode` (PNG) and `cjpeg`
/// (JPEG, from libjpeg-turbo-progs). Tests that need a missing tool are skipped, saying so.
@Suite("twofold add --qr")
struct CLIQRTests {
    static let rfcURI = "otpauth://totp/Example:bob@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8"

    static func tool(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let qrencode = tool("qrencode")
    static let cjpeg = tool("cjpeg")

    /// Runs a tool, failing the test when it fails.
    @discardableResult
    static func runTool(_ path: String, _ args: [String], input: Data? = nil, output: URL? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let stdout = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(path) \(args) failed")
        if let output { try data.write(to: output) }
        return data
    }

    @Test(.enabled(if: qrencode != nil, "qrencode is not installed (apt install qrencode)"))
    func addsTheTokenInAPNGMadeByQrencode() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let png = cli.scratchFile("code.png")
        try Self.runTool(Self.qrencode!, ["-o", png.path, Self.rfcURI])
        let added = try cli.run(["add", "--qr", png.path])
        #expect(added.status == 0 && added.stdout.contains("Example:bob@example.com"), "\(added.stderr)")
        // RFC 6238 Appendix B, SHA1, T = 59 s.
        #expect(try cli.run(["code", "bob", "--at", "59"]).stdout == "94287082\n")
        // Adding it again is the same duplicate error as `add URI`, changing nothing.
        let before = cli.snapshot()
        expectRefused(try cli.run(["add", "--qr", png.path]), by: cli, before: before, mentions: "already exists", "duplicate QR")
    }

    @Test(.enabled(if: qrencode != nil, "qrencode is not installed (apt install qrencode)"))
    func addsAGoogleMigrationBatchInOneGo() throws {
        let source = try CLIRunner.initialized()
        defer { source.cleanUp(); source.removeScratch() }
        for uri in CLIExportTests.uris { try source.run(["add", uri]) }
        let batch = try source.run(["export", "--format", "google", "--yes", "--skip-unsupported"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(batch.hasPrefix("otpauth-migration://") && !batch.contains("\n"))
        let png = source.scratchFile("batch.png")
        try Self.runTool(Self.qrencode!, ["-o", png.path, batch])

        let target = try CLIRunner.initialized()
        defer { target.cleanUp() }
        let added = try target.run(["add", "--qr", png.path, "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let expected = try source.tokens().filter(CLIExportTests.googleCanHold)
        #expect((try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [Any])?.count == expected.count)
        #expect(Set(try target.tokens()) == Set(expected))
        let again = try target.run(["add", "--qr", png.path])
        #expect(again.status == 0 && again.stdout.contains("Added 0 tokens") && again.stdout.contains("\(expected.count) already"))
    }

    /// `export --qr` drawn in the terminal, turned back into pixels, saved as a JPEG by
    /// cjpeg, and read by `add --qr` in another home: the renderer and the JPEG path at once.
    @Test(.enabled(if: cjpeg != nil, "cjpeg is not installed (apt install libjpeg-turbo-progs)"))
    func readsAJPEGOfTheCodeExportDraws() throws {
        let source = try CLIRunner.initialized()
        defer { source.cleanUp(); source.removeScratch() }
        try source.run(["add", Self.rfcURI])
        let drawn = try source.run(["export", "--format", "otpauth", "--qr", "--yes"])
        let rows = drawn.stdout.split(separator: "\n").dropFirst().map { Array($0) }
        let pgm = Self.pgm(fromHalfBlocks: rows, scale: 5)
        let jpeg = source.scratchFile("code.jpg")
        try Self.runTool(Self.cjpeg!, ["-quality", "85", "-grayscale"], input: pgm, output: jpeg)
        #expect((try Data(contentsOf: jpeg)).starts(with: [0xFF, 0xD8, 0xFF]))

        let target = try CLIRunner.initialized()
        defer { target.cleanUp() }
        let added = try target.run(["add", "--qr", jpeg.path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try target.run(["code", "bob", "--at", "59"]).stdout == "94287082\n")
    }

    /// A binary PGM of the half-block drawing: a block is light (the ink `export --qr`
    /// draws with), a space dark.
    static func pgm(fromHalfBlocks rows: [[Character]], scale: Int) -> Data {
        let width = (rows.map(\.count).max() ?? 0) * scale, height = rows.count * 2 * scale
        var pixels = [UInt8](repeating: 255, count: width * height)
        for (row, characters) in rows.enumerated() {
            for (column, character) in characters.enumerated() {
                let (top, bottom): (Bool, Bool) = switch character {
                case "█": (true, true)
                case "▀": (true, false)
                case "▄": (false, true)
                default: (false, false)
                }
                for (half, light) in [(0, top), (1, bottom)] where !light {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            pixels[((row * 2 + half) * scale + dy) * width + column * scale + dx] = 0
                        }
                    }
                }
            }
        }
        return Data("P5\n\(width) \(height)\n255\n".utf8) + Data(pixels)
    }

    @Test func badImagesAreClearErrorsAndChangeNothing() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let text = cli.scratchFile("not-an-image.txt")
        try "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP".write(to: text, atomically: true, encoding: .utf8)
        let truncated = cli.scratchFile("truncated.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: truncated)
        let big = cli.scratchFile("big.png")
        _ = FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 40 << 20)
        try handle.close()
        let before = cli.snapshot()
        for (path, mentions) in [(text.path, "PNG or JPEG"), (truncated.path, "cannot be decoded"), (big.path, "limit"),
                                 (text.path + ".missing", "cannot read")] {
            expectRefused(try cli.run(["add", "--qr", path]), by: cli, before: before, mentions: mentions, path)
        }
        let both = try cli.run(["add", "--qr", text.path, "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"])
        #expect(both.status == 2 && cli.snapshot() == before)
    }

    @Test(.enabled(if: qrencode != nil, "qrencode is not installed (apt install qrencode)"))
    func aCodeThatIsNotAnOTPURIIsRefused() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let png = cli.scratchFile("url.png")
        try Self.runTool(Self.qrencode!, ["-o", png.path, "https://example.com/login"])
        let before = cli.snapshot()
        expectRefused(try cli.run(["add", "--qr", png.path]), by: cli, before: before, mentions: "not an otpauth", "URL QR")
    }
}

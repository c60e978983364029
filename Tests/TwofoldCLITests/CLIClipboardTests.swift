import Foundation
import Testing

/// `code --copy` with a stand-in clipboard tool on PATH that records what it receives.
@Suite("twofold code --copy")
struct CLIClipboardTests {
    @Test func copiesTheCodeAndClearsItWhenItExpires() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let bin = cli.home.deletingLastPathComponent().appendingPathComponent("fake-bin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: bin) }
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let clip = bin.appendingPathComponent("clipboard").path
        // xclip stand-in: "-o" prints the clipboard, otherwise stdin replaces it.
        let script = """
            #!/bin/sh
            for a in "$@"; do [ "$a" = "-o" ] && exec cat "\(clip)"; done
            cat > "\(clip)"
            """
        let tool = bin.appendingPathComponent("xclip").path
        try #require(FileManager.default.createFile(atPath: tool, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]))

        try cli.run(["init", "--no-passphrase"])
        try cli.run(["add", "--issuer", "A", "--account", "b", "--secret", "JBSWY3DPEHPK3PXP", "--period", "2"])
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try cli.run(["code", "a:b", "--copy"], environment: ["PATH": path, "WAYLAND_DISPLAY": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let code = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try String(contentsOfFile: clip, encoding: .utf8) == code)
        // The period is 2 s, so the cleaner empties the clipboard within about 3 s.
        var cleared = false
        for _ in 0..<50 where !cleared {
            Thread.sleep(forTimeInterval: 0.1)
            cleared = (try? String(contentsOfFile: clip, encoding: .utf8)) == ""
        }
        #expect(cleared, "the clipboard still holds the code")
    }
}

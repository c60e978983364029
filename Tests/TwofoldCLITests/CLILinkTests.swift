import Foundation
import Testing

/// `twofold link` and `twofold approve` refusals that need no relay: one line, exit 1,
/// and the home unchanged (the flows themselves: SyncEndToEndTests/LinkingTests).
@Suite("twofold link and approve")
struct CLILinkTests {
    @Test func approveRefusesABadCodeBeforeTouchingTheVault() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        try cli.run(["init", "--no-passphrase"])
        let before = cli.snapshot()
        let cases: [(String, String)] = [
            ("0123-4444-0110-0S2R-J129-N8CA-3YJ5-A84", "31 characters instead of 32"),
            ("0123-4444-0110-0S2R-J129-N8CA-3YJ5-A8U9", "'U', is not a code character"),
            ("0123 4444 0110 0S2R J129 N8CA 3YJ5 A849 77", "34 characters instead of 32"),
        ]
        for (code, message) in cases {
            let result = try cli.run(["approve"] + code.split(separator: " ").map(String.init))
            #expect(result.status == 1, "\(code)")
            #expect(result.stderr.hasPrefix("twofold: ") && result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        // A well-formed code on a vault without a relay: what to do.
        let local = try cli.run(["approve", "0123-4444-0110-0S2R-J129-N8CA-3YJ5-A849"])
        #expect(local.status == 1 && local.stderr.contains("not attached to a relay"), "\(local.stderr)")
        #expect(cli.snapshot() == before)
    }

    @Test func linkRefusesAHomeThatHasAVaultAndBadOptions() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        try cli.run(["init", "--no-passphrase"])
        let before = cli.snapshot()
        let existing = try cli.run(["link", "--relay", "http://127.0.0.1:9", "--no-passphrase"])
        #expect(existing.status == 1 && existing.stderr.contains("already"), "\(existing.stderr)")
        let both = try cli.run(["link", "--relay", "http://127.0.0.1:9", "--no-passphrase", "--local-passphrase-stdin"])
        #expect(both.status == 2, "\(both.stderr)")
        #expect(cli.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: cli.home.appendingPathComponent("link-request.json").path))
    }

    @Test func linkWithAnUnreachableRelayLeavesNothingBehind() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let result = try cli.run(["link", "--relay", "http://127.0.0.1:9", "--no-passphrase"])
        #expect(result.status == 1 && result.stderr.contains("cannot reach the relay"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.home.appendingPathComponent("link-request.json").path))
        #expect(!FileManager.default.fileExists(atPath: cli.home.appendingPathComponent("vault.sqlite").path))
    }
}

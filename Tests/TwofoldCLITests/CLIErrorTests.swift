import Foundation
import Testing

/// Every bad input: one line on stderr, exit 1 (usage 2), and the home byte-for-byte unchanged.
@Suite("twofold CLI errors")
struct CLIErrorTests {
    static func prepared(passphrase: Bool) throws -> CLIRunner {
        let cli = CLIRunner()
        if passphrase {
            try cli.run(["init", "--passphrase-stdin"], input: "right\n")
            try cli.run(["add", "--passphrase-stdin", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"], input: "right\n")
        } else {
            try cli.run(["init", "--no-passphrase"])
            try cli.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"])
            try cli.run(["add", "--issuer", "GitLab", "--account", "alice", "--secret", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"])
        }
        return cli
    }

    static let cases: [(name: String, args: [String], input: String, passphrase: Bool, status: Int32, mentions: String)] = [
        ("wrong passphrase", ["list", "--passphrase-stdin"], "wrong\n", true, 1, "passphrase is wrong"),
        ("malformed URI", ["add", "otpauth://totp/x?issuer=X"], "", false, 1, "secret"),
        ("not a URI", ["add", "https://example.com"], "", false, 1, "otpauth"),
        ("invalid Base32", ["add", "--issuer", "A", "--account", "b", "--secret", "JBSW!3DP"], "", false, 1, "'!'"),
        ("duplicate", ["add", "--issuer", "Again", "--account", "x", "--secret", "jbsw y3dp ehpk 3pxp"], "", false, 1, "already exists"),
        ("unknown query", ["code", "nothing-like-this"], "", false, 1, "no token matches"),
        ("ambiguous query", ["code", "git"], "", false, 1, "matches 2 tokens"),
        ("digits out of range", ["add", "--issuer", "A", "--account", "b", "--secret", "MFRGG", "--digits", "12"], "", false, 1, "digits"),
        ("usage: unknown option", ["list", "--frobnicate"], "", false, 2, "frobnicate"),
        ("usage: missing argument", ["code"], "", false, 2, "query"),
        ("second init", ["init", "--no-passphrase"], "", false, 1, "already exists"),
    ]

    @Test(arguments: 0..<cases.count)
    func badInputChangesNothing(index: Int) throws {
        let c = Self.cases[index]
        let cli = try Self.prepared(passphrase: c.passphrase)
        defer { cli.cleanUp() }
        let before = cli.snapshot()
        let result = try cli.run(c.args, input: c.input)
        #expect(result.status == c.status, "\(c.name): status \(result.status), stderr \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(c.name): stderr is not one line: \(result.stderr)")
        #expect(result.stderr.hasPrefix("twofold: "), "\(c.name): \(result.stderr)")
        #expect(result.stderr.lowercased().contains(c.mentions.lowercased()), "\(c.name): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
        #expect(cli.snapshot() == before, "\(c.name) changed the home")
    }

    @Test func commandsOnAMissingVaultSayWhatToDo() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let result = try cli.run(["list"])
        #expect(result.status == 1 && result.stderr.contains("twofold init"))
        #expect(!FileManager.default.fileExists(atPath: cli.home.path))
    }
}

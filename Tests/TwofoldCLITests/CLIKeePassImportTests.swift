import Foundation
import Testing

/// `twofold import FILE.kdbx --password-stdin` and the KeePass XML export through the real
/// binary, with the keepassxc-cli fixtures of Tests/Fixtures/keepass.
@Suite("twofold import: KeePass")
struct CLIKeePassImportTests {
    static func path(_ name: String) -> String {
        ImportFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/keepass/\(name)").path
    }

    static let expected: Set<ImportFixtures.Token> = [
        .init(type: "totp", issuer: "GitHub", account: "alice@example.com", secret: "JBSWY3DPEHPK3PXP",
              algorithm: "SHA1", digits: 6, periodOrCounter: 30),
        .init(type: "totp", issuer: "Ünïcødé: 日本", account: "bob", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
              algorithm: "SHA256", digits: 8, periodOrCounter: 60),
        .init(type: "steam", issuer: "Steam", account: "gamer", secret: "STEAMSTEAMSTEAM2",
              algorithm: "SHA1", digits: 5, periodOrCounter: 30),
    ]

    @Test(arguments: [("keepassxc.kdbx", "kdbx"), ("keepassxc_export.xml", "keepass-xml")])
    func importsTheDatabaseAndTheExport(_ file: String, _ format: String) throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        let result = try cli.run(["import", Self.path(file), "--json", "--password-stdin"], input: "twofold-fixture\n")
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try jsonObject(result.stdout)
        #expect(summary["format"] as? String == format)
        #expect(summary["added"] as? Int == 3)
        #expect(summary["without_token"] as? Int == 1)
        #expect(Set(try cli.tokens()) == Self.expected)
        let text = try cli.run(["import", Self.path(file), "--password-stdin"], input: "twofold-fixture\n")
        #expect(text.stdout.contains("3 skipped as duplicates, 0 failed, 1 without a token skipped"), "\(text.stdout)")
    }

    @Test func aWrongPasswordOrADamagedDatabaseChangesNothing() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        let before = cli.snapshot()
        let wrong = try cli.run(["import", Self.path("keepassxc.kdbx"), "--password-stdin"], input: "wrong\n")
        expectRefused(wrong, by: cli, before: before, mentions: "password", "wrong password")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path("keepassxc.kdbx"))))
        bytes[bytes.count - 100] ^= 0x80
        let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-damaged-\(UUID().uuidString).kdbx")
        try Data(bytes).write(to: damaged)
        defer { try? FileManager.default.removeItem(at: damaged) }
        let result = try cli.run(["import", damaged.path, "--password-stdin"], input: "twofold-fixture\n")
        expectRefused(result, by: cli, before: before, mentions: "damaged", "damaged block")
        let old = try cli.run(["import", Self.path("keepassxc_kdbx31.kdbx"), "--password-stdin"], input: "twofold-fixture\n")
        expectRefused(old, by: cli, before: before, mentions: "keepassxc-cli export --format xml", "KDBX 3.1")
    }
}

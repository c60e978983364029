import Foundation
import Testing

/// Issue 19 through the real binary: KeePass CSV, `--json` on every refusal, warnings for
/// short secrets, and `export --steam-as`.
@Suite("twofold import: KeePass, refusals in JSON, short secrets")
struct CLIImportKeePassTests {
    static let keepassCSV = """
        "Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"
        "Root","Corp: Inc","ops@corp.example","","","","otpauth://totp/Corp%3A%20Inc:ops%40corp.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=6&issuer=Corp%3A%20Inc","0","2026-12-07T06:57:23Z","2026-12-07T06:57:23Z"
        "Root/Games","Steam","gaben","","","","otpauth://totp/Steam:gaben?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&period=30&digits=5&issuer=Steam&encoder=steam","0","2026-12-07T06:57:23Z","2026-12-07T06:57:23Z"
        "Root","Password only","carol","hunter2","","","","0","2026-12-07T06:57:23Z","2026-12-07T06:57:23Z"

        """

    @Test func aKeePassCSVImportsAndCountsEntriesWithoutTOTP() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let file = cli.scratchFile("keepass.csv")
        try Self.keepassCSV.write(to: file, atomically: true, encoding: .utf8)
        let result = try cli.run(["import", file.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try jsonObject(result.stdout)
        #expect(summary["format"] as? String == "keepass")
        #expect(summary["added"] as? Int == 2)
        #expect(summary["without_token"] as? Int == 1)
        let tokens = try cli.tokens()
        #expect(Set(tokens.map(\.issuer)) == ["Corp: Inc", "Steam"])
        #expect(tokens.first { $0.issuer == "Corp: Inc" }?.account == "ops@corp.example")
        #expect(tokens.first { $0.issuer == "Steam" }?.type == "steam")

        let again = try cli.run(["import", file.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 added, 2 skipped as duplicates, 0 failed, 1 without a token skipped"), "\(again.stdout)")
    }

    @Test func jsonIsPrintedOnEveryRefusal() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let before = cli.snapshot()

        let unknown = cli.scratchFile("unknown.txt")
        try "just some notes\n".write(to: unknown, atomically: true, encoding: .utf8)
        let unrecognised = try cli.run(["import", unknown.path, "--json"])
        expectRefused(unrecognised, by: cli, before: before, mentions: "not recognised", "unrecognised format")
        let summary = try jsonObject(unrecognised.stdout)
        #expect(summary["format"] is NSNull)
        #expect(summary["added"] as? Int == 0)
        #expect((summary["error"] as? String)?.contains("not recognised") == true)

        let wrong = try cli.run(
            ["import", ImportFixtures.path("aegis_encrypted.json"), "--password-stdin", "--json"], input: "wrong\n")
        expectRefused(wrong, by: cli, before: before, mentions: "password", "wrong password")
        let wrongSummary = try jsonObject(wrong.stdout)
        #expect(wrongSummary["format"] as? String == "aegis", "the error names the detected format")
        #expect((wrongSummary["error"] as? String)?.contains("password") == true)

        let broken = cli.scratchFile("broken.txt")
        try "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A&issuer=B\n".write(to: broken, atomically: true, encoding: .utf8)
        let entry = try cli.run(["import", broken.path, "--json"])
        #expect(entry.status == 1)
        let entrySummary = try jsonObject(entry.stdout)
        #expect(entrySummary["format"] as? String == "otpauth")
        #expect((entrySummary["failed"] as? [[String: Any]])?.first?["reason"] as? String != nil)
        #expect((entrySummary["error"] as? String)?.contains("nothing was imported") == true)
        #expect(cli.snapshot() == before)
    }

    @Test func aShortSecretIsAWarningNeverARefusal() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let add = try cli.run(["add", "otpauth://totp/Short:x?secret=GEZA"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stderr.contains("warning: the secret is 16 bits, shorter than the 128 bits"), "\(add.stderr)")

        let json = try cli.run(["add", "--json", "otpauth://totp/Short:y?secret=GEZDGNBVGY3TQOJQ"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect((try jsonObject(json.stdout)["warnings"] as? [String])?.first?.contains("80 bits") == true)

        let long = try cli.run(["add", "otpauth://totp/Long:z?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"])
        #expect(long.status == 0 && !long.stderr.contains("warning"), "\(long.stderr)")

        let file = cli.scratchFile("short.txt")
        try """
            otpauth://totp/Short:a?secret=MFRGGZDFMZTWQ2LK
            otpauth://totp/Long:b?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ

            """.write(to: file, atomically: true, encoding: .utf8)
        let imported = try cli.run(["import", file.path, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try jsonObject(imported.stdout)
        #expect(summary["added"] as? Int == 2)
        let warnings = try #require(summary["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1)
        #expect((warnings.first?["entry"] as? String)?.contains("line 1") == true)
        #expect(imported.stderr.contains("line 1 (Short:a): the secret is 80 bits"), "\(imported.stderr)")
    }
}

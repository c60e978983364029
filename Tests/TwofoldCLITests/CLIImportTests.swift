import Foundation
import Testing

/// `twofold import` through the real binary: every fixture, passwords, all-or-nothing,
/// duplicates, dry runs and hostile files.
@Suite("twofold import")
struct CLIImportTests {
    @Test func everyFixtureFileHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ImportFixtures.directory.path)
            .filter { $0 != "README.md" }
        #expect(Set(files) == Set(ImportFixtures.cases.map(\.file)))
    }

    @Test(arguments: ImportFixtures.cases)
    func importsEveryFixtureWithEveryField(_ fixture: ImportFixtures.Case) throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        var args = ["import", ImportFixtures.path(fixture.file), "--json"]
        if fixture.password != nil { args.append("--password-stdin") }
        let result = try cli.run(args, input: fixture.password.map { "\($0)\n" } ?? "")
        #expect(result.status == 0, "\(fixture.file): \(result.stderr)")
        let summary = try jsonObject(result.stdout)
        #expect(summary["format"] as? String == fixture.format)
        #expect(summary["added"] as? Int == fixture.expected.count)
        #expect(summary["duplicates"] as? Int == 0)
        #expect((summary["failed"] as? [Any])?.isEmpty == true)
        #expect(summary["dry_run"] as? Bool == false)

        let listed = try cli.tokens()
        #expect(listed.count == fixture.expected.count)
        #expect(Set(listed) == Set(fixture.expected), "\(fixture.file): got \(listed.sorted { $0.description < $1.description })")
    }

    @Test func anEncryptedFileAsksForItsPasswordAndRefusesAWrongOne() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        try cli.run(["add", "--issuer", "Kept", "--account", "me", "--secret", "JBSWY3DPEHPK3PXP"])
        let before = cli.snapshot()
        for fixture in ImportFixtures.cases where fixture.password != nil {
            let wrong = try cli.run(["import", ImportFixtures.path(fixture.file), "--password-stdin"], input: "wrong\n")
            expectRefused(wrong, by: cli, before: before, mentions: "password", "\(fixture.file), wrong password")
        }
        // The first line is the file's password even for a vault opened with a passphrase.
        let locked = CLIRunner()
        defer { locked.cleanUp() }
        try locked.run(["init", "--passphrase-stdin"], input: "vault pass\n")
        let both = try locked.run(
            ["import", ImportFixtures.path("aegis_encrypted.json"), "--password-stdin", "--passphrase-stdin"],
            input: "test\nvault pass\n")
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stdout.contains("7 added"))
    }

    @Test(.enabled(if: !hasTerminal, "a terminal is attached: the command would ask on it"))
    func anEncryptedFileWithoutPasswordOrTerminalSaysHowToGiveIt() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        let before = cli.snapshot()
        let result = try cli.run(["import", ImportFixtures.path("aegis_encrypted.json")])
        expectRefused(result, by: cli, before: before, mentions: "--password-stdin", "no password")
    }

    @Test func oneBadEntryRefusesTheFileUnlessSkipInvalid() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let file = cli.scratchFile("mixed.txt")
        try """
            otpauth://totp/Good:one?secret=JBSWY3DPEHPK3PXP&issuer=Good
            otpauth://totp/Bad:base32?secret=JBSW!3DP&issuer=Bad
            otpauth://totp/Good:two?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Good
            otpauth://totp/Bad:digits?secret=KRSXG5CTMVRXEZLU&issuer=Bad&digits=99999999999999999999999
            otpauth://hotp/Good:three?secret=MFRGGZDFMZTWQ2LK&counter=3

            """.write(to: file, atomically: true, encoding: .utf8)
        let before = cli.snapshot()

        let refused = try cli.run(["import", file.path])
        expectRefused(refused, by: cli, before: before, mentions: "--skip-invalid", oneLine: false, "one bad entry")
        let lines = refused.stderr.split(separator: "\n")
        #expect(lines.count == 3, "every failing entry, then the verdict: \(refused.stderr)")
        #expect(lines[0].contains("line 2 (Bad:base32)") && lines[0].contains("Base32"))
        #expect(lines[1].contains("line 4 (Bad:digits)"))

        let json = try cli.run(["import", file.path, "--json"])
        #expect(json.status == 1 && cli.snapshot() == before)
        let summary = try jsonObject(json.stdout)
        #expect(summary["added"] as? Int == 0)
        let failed = try #require(summary["failed"] as? [[String: String]])
        #expect(failed.map { $0["entry"] } == ["line 2 (Bad:base32)", "line 4 (Bad:digits)"])
        #expect(failed.allSatisfy { !($0["reason"] ?? "").isEmpty })

        let skipped = try cli.run(["import", file.path, "--skip-invalid", "--json"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let partial = try jsonObject(skipped.stdout)
        #expect(partial["added"] as? Int == 3 && (partial["failed"] as? [Any])?.count == 2)
        #expect(try cli.tokens().count == 3)
        let human = try cli.run(["import", file.path, "--skip-invalid"])
        #expect(human.stdout.contains("0 added, 3 skipped as duplicates, 2 failed"), "\(human.stdout)")
        #expect(human.stdout.contains("line 2 (Bad:base32)") && human.stdout.contains("line 4 (Bad:digits)"))
    }

    @Test func duplicatesAreSkippedAndCountedNotAdded() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp(); cli.removeScratch() }
        let plain = ImportFixtures.path("aegis_plain.json")
        #expect(try jsonObject(cli.run(["import", plain, "--json"]).stdout)["added"] as? Int == 7)
        let again = try jsonObject(try cli.run(["import", plain, "--json"]).stdout)
        #expect(again["added"] as? Int == 0 && again["duplicates"] as? Int == 7)
        // The same tokens in another app's format are the same tokens.
        let other = try jsonObject(try cli.run(["import", ImportFixtures.path("andotp_plain.json"), "--json"]).stdout)
        #expect(other["added"] as? Int == 0 && other["duplicates"] as? Int == 7)
        #expect(try cli.tokens().count == 7)

        // Twice in one file: once added, once counted.
        let twice = cli.scratchFile("twice.txt")
        let uri = "otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQ&issuer=X"
        try "\(uri)\n\(uri.replacingOccurrences(of: "X:y", with: "Renamed:z"))\n".write(to: twice, atomically: true, encoding: .utf8)
        let inFile = try jsonObject(try cli.run(["import", twice.path, "--json"]).stdout)
        #expect(inFile["added"] as? Int == 1 && inFile["duplicates"] as? Int == 1)
        #expect(try cli.tokens().count == 8)
    }

    @Test func aDryRunReportsAndChangesNothing() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        try cli.run(["import", ImportFixtures.path("proton_authenticator.json")])
        let before = cli.snapshot()
        let dry = try cli.run(["import", ImportFixtures.path("aegis_plain.json"), "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let summary = try jsonObject(dry.stdout)
        #expect(summary["added"] as? Int == 4 && summary["duplicates"] as? Int == 3 && summary["dry_run"] as? Bool == true)
        let human = try cli.run(["import", ImportFixtures.path("aegis_plain.json"), "--dry-run"])
        #expect(human.stdout.contains("nothing was changed") && human.stdout.contains("4 would be added"))
        #expect(cli.snapshot() == before)
    }

    @Test func readsStandardInputAndAnExplicitFormat() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        let text = try String(contentsOfFile: ImportFixtures.path("plain.txt"), encoding: .utf8)
        let piped = try cli.run(["import", "-", "--format", "otpauth", "--json"], input: text)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try jsonObject(piped.stdout)["added"] as? Int == 7)
        // A format that does not fit the file is a clear error.
        let before = cli.snapshot()
        let wrong = try cli.run(["import", ImportFixtures.path("plain.txt"), "--format", "aegis"])
        expectRefused(wrong, by: cli, before: before, mentions: "aegis", "wrong --format")
        let usage = try cli.run(["import", ImportFixtures.path("plain.txt"), "--format", "lastpass"])
        #expect(usage.status == 2 && usage.stderr.contains("lastpass"))
    }
}

/// True when this process has a controlling terminal that a child could prompt on.
let hasTerminal: Bool = {
    let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
    if fd >= 0 { close(fd) }
    return fd >= 0
}()

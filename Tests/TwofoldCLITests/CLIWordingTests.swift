import Foundation
import Testing

/// The words a new user met (issue 20): no Swift description on any failure, usage
/// errors that point at the subcommand's help, and a `status` that says how it unlocks.
@Suite("twofold CLI wording")
struct CLIWordingTests {
    /// `twofold ARGS` in a new session (`setsid -w`): no controlling terminal, as under
    /// cron or a script, so `/dev/tty` cannot be opened.
    static func runWithoutTerminal(_ cli: CLIRunner, _ args: [String]) throws -> CLIRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-w", CLIRunner.binary.path, "--home", cli.home.path] + args
        let stdout = Pipe(), stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                                stderr: String(decoding: err, as: UTF8.self))
    }

    @Test func aPassphraseWithoutATerminalSaysWhatToDoInWords() throws {
        let cli = try CLIErrorTests.prepared(passphrase: true)
        defer { cli.cleanUp() }
        for args in [["list"], ["code", "github"], ["export", "--format", "otpauth", "--yes"], ["passphrase", "change"]] {
            let result = try Self.runWithoutTerminal(cli, args)
            #expect(result.status == 1, "\(args): \(result.stderr)")
            #expect(result.stderr == "twofold: no terminal to read the passphrase from: use --passphrase-stdin\n",
                    "\(args): \(result.stderr)")
        }
    }

    @Test func usageErrorsPointAtTheSubcommandsHelp() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (["relay", "set"], "see 'twofold relay set --help'"),
            (["list", "--frobnicate"], "see 'twofold list --help'"),
            (["devices", "revoke"], "see 'twofold devices revoke --help'"),
            (["--frobnicate"], "see 'twofold --help'"),
        ]
        for (args, hint) in cases {
            let result = try cli.run(args)
            #expect(result.status == 2, "\(args): \(result.stderr)")
            #expect(result.stderr.contains(hint), "\(args): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func statusSaysHowTheVaultUnlocks() throws {
        let local = try CLIErrorTests.prepared(passphrase: false)
        defer { local.cleanUp() }
        let keyFile = try local.run(["status"]).stdout
        #expect(keyFile.contains("no (key file)"), "\(keyFile)")
        #expect(keyFile.contains("local vault: 'twofold doctor' checks the system clock"), "\(keyFile)")

        let protected = try CLIErrorTests.prepared(passphrase: true)
        defer { protected.cleanUp() }
        let locked = try protected.run(["status"]).stdout
        #expect(locked.contains("yes (passphrase needed"), "\(locked)")
        #expect(!locked.contains("key file"), "\(locked)")
    }

    /// The account passphrase is checked before anything else happens (issue 20:
    /// `password1234` was accepted); a strong one gets as far as needing a relay.
    @Test func weakAccountPassphrasesAreRefusedWithTheReason() throws {
        let cli = try CLIErrorTests.prepared(passphrase: false)
        defer { cli.cleanUp() }
        for weak in ["password1234", "qwertyuiopasdf", "Jennifer1990!", "correct horse battery staple"] {
            let result = try cli.run(["passphrase", "set-recovery", "--passphrase-stdin"], input: weak + "\n")
            #expect(result.status == 1, "\(weak): \(result.stderr)")
            #expect(result.stderr.contains("too easy to guess") && result.stderr.contains("--generate"), "\(weak): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let strong = try cli.run(["passphrase", "set-recovery", "--passphrase-stdin"], input: "orbit velvet canyon lumber tribe oxygen\n")
        #expect(strong.status == 1 && strong.stderr.contains("relay") && !strong.stderr.contains("too easy"), "\(strong.stderr)")
        let generated = try cli.run(["passphrase", "set-recovery", "--generate"])
        #expect(generated.status == 1 && generated.stderr.contains("relay") && !generated.stderr.contains("too easy"), "\(generated.stderr)")
    }

    /// A weak local passphrase from standard input is taken, with a warning on stderr.
    @Test func aWeakLocalPassphraseIsWarnedAbout() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let weak = try cli.run(["init", "--passphrase-stdin"], input: "a\n")
        #expect(weak.status == 0)
        #expect(weak.stderr.contains("passphrase is weak"), "\(weak.stderr)")
        let other = CLIRunner()
        defer { other.cleanUp() }
        let strong = try other.run(["init", "--passphrase-stdin"], input: "orbit velvet canyon lumber\n")
        #expect(strong.status == 0 && !strong.stderr.contains("weak"), "\(strong.stderr)")
    }
}

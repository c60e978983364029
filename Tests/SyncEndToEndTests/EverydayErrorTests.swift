import Foundation
import Testing

/// The failures a new user met (issue 20), with real relay and CLI processes: one line
/// `twofold: what is wrong: what to do`, never a crash or a Swift description.
@Suite("Everyday errors end to end", .serialized)
struct EverydayErrorTests {
    /// What a Swift description or a crash looks like on stderr.
    static let leaks = ["Fatal error", "CLIError(", "SocketAddressError", "NIOConnectionError", "HTTPClientError",
                        "IOError", "NIOSSLError", "errno:", "message:", "Stack dump", "backtrace"]

    static func expectOneClearLine(_ result: Device.Result, _ what: String) {
        #expect(result.stderr.hasPrefix("twofold: "), "\(what): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
        for leak in leaks { #expect(!result.stderr.contains(leak), "\(what) leaks \(leak): \(result.stderr)") }
    }

    /// `relay set` on a vault that already syncs once died with AsyncHTTPClient's "Client
    /// not shut down before the deinit"; an unknown host name once printed
    /// `SocketAddressError.UnknownHost`.
    @Test func relaySetOnASyncingVaultAndAnUnknownHostSayWhatToDo() throws {
        let lab = try Lab()
        let a = lab.device("a")
        let words = lab.root.appendingPathComponent("a-words.txt").path
        #expect(try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", words]).status == 0)
        let again = try a.run(["relay", "set", lab.relay.url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("now syncs with"))
        #expect(again.stderr.isEmpty, "\(again.stderr)")
        // A bad CA file after the client exists in other commands: still one line, no crash.
        let badCA = try a.run(["relay", "set", lab.relay.url, "--relay-ca", "/nonexistent/ca.pem"])
        #expect(badCA.status == 1)
        Self.expectOneClearLine(badCA, "relay set --relay-ca missing")

        // `.invalid` never resolves (RFC 6761): DNS fails on every machine, with or without a network.
        let moved = try a.run(["relay", "set", "https://no-such-relay.invalid"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let dns = try a.run(["sync"])
        #expect(dns.status == 1)
        Self.expectOneClearLine(dns, "sync to an unknown host")
        #expect(dns.stderr.contains("cannot reach the relay"), "\(dns.stderr)")

        // A local vault's relay set to an unknown host: the account creation fails in one line.
        let b = lab.device("b")
        #expect(try b.run(["init", "--no-passphrase"]).status == 0)
        let create = try b.run(["relay", "set", "https://no-such-relay.invalid"])
        #expect(create.status == 1)
        Self.expectOneClearLine(create, "relay set to an unknown host")
    }

    /// `restore` with the relay down said "then sync again"; now it says nothing was
    /// restored and to run restore again, before it asks for a new local passphrase.
    @Test func restoreWithTheRelayDownSaysToRestoreAgain() throws {
        let lab = try Lab()
        let a = lab.device("a")
        let wordsFile = lab.root.appendingPathComponent("words.txt").path
        #expect(try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", wordsFile]).status == 0)
        let words = try String(contentsOfFile: wordsFile, encoding: .utf8)
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        lab.relay.stop()
        let b = lab.device("b")
        // No local passphrase line: with the relay asked first, the relay's failure is what is said.
        let down = try b.run(["restore", "--relay", lab.relay.url, "--account", account, "--recovery-key-stdin",
                              "--local-passphrase-stdin"], input: words)
        #expect(down.status == 1)
        Self.expectOneClearLine(down, "restore with the relay down")
        #expect(down.stderr.contains("nothing was restored") && down.stderr.contains("twofold restore"), "\(down.stderr)")
        #expect(!down.stderr.contains("sync again"), "\(down.stderr)")
        #expect(!FileManager.default.fileExists(atPath: b.home.appendingPathComponent("vault.sqlite").path))
    }

    /// An account the relay's admin suspended: `sync` says so in one line and what to do,
    /// the tokens stay readable, and sync works again once the admin enables it.
    @Test func aSuspendedAccountSaysAskTheAdminAndComesBack() throws {
        let lab = try Lab()
        let a = lab.device("a")
        let words = lab.root.appendingPathComponent("a-words.txt").path
        #expect(try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", words]).status == 0)
        #expect(try a.run(["add", "otpauth://totp/Clinic:anna?secret=JBSWY3DPEHPK3PXP"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        func admin(_ arguments: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = productsDirectory.appendingPathComponent("twofold-relay")
            p.arguments = arguments + ["--data", lab.relay.data.path]
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try admin(["accounts", "disable", account, "--yes"]) == 0)
        // The relay reloads its directory every 2 s.
        var refused = Device.Result(status: 0, stdout: "", stderr: "")
        for _ in 0..<50 {
            refused = try a.run(["sync"])
            if refused.status != 0 { break }
            usleep(100_000)
        }
        #expect(refused.status == 1)
        Self.expectOneClearLine(refused, "sync of a suspended account")
        #expect(refused.stderr.contains("suspended") && refused.stderr.contains("ask them"), "\(refused.stderr)")
        #expect(try a.run(["code", "Clinic"]).status == 0, "the local tokens stay readable")

        #expect(try admin(["accounts", "enable", account]) == 0)
        var back = refused
        for _ in 0..<50 {
            back = try a.run(["sync"])
            if back.status == 0 { break }
            usleep(100_000)
        }
        #expect(back.status == 0, "\(back.stderr)")
    }

    /// `recovery-key verify` (issue 14): the right words pass, another account's words and
    /// mistyped words are one line each, and nothing reaches the relay (it is stopped).
    @Test func recoveryKeyVerifyTellsTheRightWordsFromOthers() throws {
        let lab = try Lab()
        let a = lab.device("a"), b = lab.device("b")
        let wordsA = lab.root.appendingPathComponent("a-words.txt").path, wordsB = lab.root.appendingPathComponent("b-words.txt").path
        #expect(try a.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", wordsA]).status == 0)
        #expect(try b.run(["init", "--no-passphrase", "--relay", lab.relay.url, "--recovery-key-file", wordsB]).status == 0)
        lab.relay.stop()
        let right = try a.run(["recovery-key", "verify", "--recovery-key-stdin"], input: try String(contentsOfFile: wordsA, encoding: .utf8))
        #expect(right.status == 0 && right.stdout.contains("These are the account's recovery words"), "\(right.stderr)")
        let other = try a.run(["recovery-key", "verify", "--recovery-key-stdin"], input: try String(contentsOfFile: wordsB, encoding: .utf8))
        #expect(other.status == 1)
        Self.expectOneClearLine(other, "another account's words")
        #expect(other.stderr.contains("not this account's recovery words"), "\(other.stderr)")
        var typo = try String(contentsOfFile: wordsA, encoding: .utf8).split(separator: " ").map(String.init)
        typo.swapAt(0, 1)
        let mistyped = try a.run(["recovery-key", "verify", "--recovery-key-stdin"], input: typo.joined(separator: " "))
        #expect(mistyped.status == 1)
        Self.expectOneClearLine(mistyped, "words in the wrong order")
    }
}

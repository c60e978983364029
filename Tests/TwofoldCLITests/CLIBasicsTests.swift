import Foundation
import Testing

/// End-to-end: the real `twofold` binary on a temporary home.
@Suite("twofold CLI")
struct CLIBasicsTests {
    /// RFC 6238 Appendix B SHA1 seed "12345678901234567890" in Base32.
    static let rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    @Test func initAddListAndCodes() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        let added = try cli.run(["add", "otpauth://totp/ACME%20Co:alice@example.com?secret=\(Self.rfcSecret)&issuer=ACME+Co&digits=8"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try cli.run(["add", "--issuer", "VPN", "--account", "bob", "--secret", Self.rfcSecret.lowercased(), "--type", "hotp"]).status == 0)

        let list = try cli.run(["list", "--json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        let acme = try #require(array.first { $0["issuer"] as? String == "ACME Co" })
        #expect(acme["account"] as? String == "alice@example.com")
        #expect(acme["type"] as? String == "totp" && acme["digits"] as? Int == 8 && acme["period"] as? Int == 30)
        #expect(acme["algorithm"] as? String == "SHA1" && acme["secret"] == nil)
        #expect(Set(acme.keys) == ["id", "type", "issuer", "account", "algorithm", "digits", "period", "tags", "note"])
        let vpn = try #require(array.first { $0["issuer"] as? String == "VPN" })
        #expect(vpn["counter"] as? Int == 0 && vpn["period"] == nil)

        // RFC 6238 Appendix B: T = 59 s → 94287082.
        let code = try cli.run(["code", "acme", "--at", "59"])
        #expect(code.status == 0 && code.stdout.split(separator: "\n").first == "94287082")
        let json = try cli.run(["code", "alice", "--at", "59", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["code"] as? String == "94287082" && object["valid_for"] as? Int == 1)
        #expect(object["id"] as? String == acme["id"] as? String)

        // HOTP (RFC 4226 Appendix D): each call uses and stores the next counter.
        #expect(try cli.run(["code", "vpn"]).stdout == "755224\n")
        let second = try cli.run(["code", "vpn", "--json"])
        #expect(second.stdout.contains("\"code\":\"287082\"") && second.stdout.contains("\"valid_for\":null"))
        #expect(try cli.run(["list", "--json"]).stdout.contains("\"counter\":2"))

        let codes = try cli.run(["codes", "--at", "59"])
        #expect(codes.status == 0 && codes.stdout.contains("9428 7082") && codes.stdout.contains("(hotp)"))
    }

    @Test func editRemoveAndExportRoundTrip() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        try cli.run(["init", "--no-passphrase"])
        try cli.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXP"])
        try cli.run(["add", "--issuer", "Steam", "--account", "gabe", "--secret", "JRZCL47CMXVOQMNPZR2F7J4RGI", "--type", "steam"])
        try cli.run(["add", "otpauth://hotp/Bank:me?secret=KUVJJOM753IHTNDSZVCNKL7GII&algorithm=SHA256&digits=7&counter=50"])
        #expect(try cli.run(["edit", "github", "--account", "alice2", "--note", "work laptop", "--tag", "dev", "--tag", "ops"]).status == 0)
        let list = try cli.run(["list", "--json"]).stdout
        #expect(list.contains("\"alice2\"") && list.contains("\"work laptop\"") && list.contains("[\"dev\",\"ops\"]"))

        let exported = try cli.run(["export", "--format", "otpauth", "--yes"])
        #expect(exported.status == 0)
        let lines = exported.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("otpauth://") })

        let other = CLIRunner()
        defer { other.cleanUp() }
        try other.run(["init", "--no-passphrase"])
        for line in lines { #expect(try other.run(["add", line]).status == 0) }
        for query in ["github", "steam", "bank"] where query != "bank" {
            #expect(try cli.run(["code", query, "--at", "1000000"]).stdout == (try other.run(["code", query, "--at", "1000000"]).stdout))
        }
        #expect(try cli.run(["code", "bank"]).stdout == (try other.run(["code", "bank"]).stdout))

        // Export to a file is private.
        let file = cli.home.appendingPathComponent("export.txt").path
        #expect(try cli.run(["export", "--format", "otpauth", "--yes", "--output", file]).status == 0)
        var st = stat()
        #expect(stat(file, &st) == 0 && st.st_mode & 0o777 == 0o600)

        #expect(try cli.run(["remove", "steam"]).status == 0)
        #expect(try cli.run(["list", "--json"]).stdout.contains("gabe") == false)
    }

    @Test func passphraseVaultFromStandardInput() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--passphrase-stdin"], input: "first pass\n").status == 0)
        #expect(try cli.run(["add", "--passphrase-stdin", "--issuer", "X", "--account", "y", "--secret", "JBSWY3DPEHPK3PXP"], input: "first pass\n").status == 0)
        #expect(try cli.run(["passphrase", "change", "--passphrase-stdin"], input: "first pass\nsecond pass\n").status == 0)
        let old = try cli.run(["list", "--passphrase-stdin"], input: "first pass\n")
        #expect(old.status == 1 && old.stderr.contains("passphrase is wrong"))
        #expect(try cli.run(["list", "--passphrase-stdin", "--json"], input: "second pass\n").stdout.contains("\"X\""))
        // No terminal and no --passphrase-stdin: a clear error, not a hang.
        let noTTY = try cli.run(["list"])
        #expect(noTTY.status == 1 && noTTY.stderr.hasPrefix("twofold: ") && noTTY.stderr.contains("--passphrase-stdin"))
        // `passphrase set-recovery` opens a passphrase vault with the first line. It once built
        // its unlock options by hand, and reading one unparsed ended the process with
        // ArgumentParser's "Can't read a value" banner; on a local vault it must get as far as
        // saying that a relay is needed.
        let recovery = try cli.run(["passphrase", "set-recovery", "--passphrase-stdin", "--ops-limit", "3", "--memory-mib", "256"],
                                   input: "second pass\nan account passphrase of five words\n")
        #expect(recovery.status == 1, "\(recovery.stderr)")
        #expect(recovery.stderr.hasPrefix("twofold: ") && recovery.stderr.split(separator: "\n").count == 1, "\(recovery.stderr)")
        #expect(recovery.stderr.contains("relay"), "\(recovery.stderr)")
    }

    @Test func helpAndCompletionWork() throws {
        let cli = CLIRunner()
        let help = try cli.run(["--help"], withHome: false)
        #expect(help.status == 0 && help.stdout.contains("USAGE"))
        let completion = try cli.run(["--generate-completion-script", "bash"], withHome: false)
        #expect(completion.status == 0 && completion.stdout.contains("_twofold"))
    }
}

import Foundation
import Testing

/// Shell completion of token queries (issue 20), through the real bash completion script
/// that `twofold --generate-completion-script bash` writes and `make install` installs.
@Suite("twofold shell completion", .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "bash is not installed"))
struct CLICompletionTests {
    /// What bash offers after `twofold --home HOME <words>` with the cursor at the end.
    static func complete(_ cli: CLIRunner, _ words: [String]) throws -> [String] {
        let script = """
            source <(twofold --generate-completion-script bash)
            fn=$(complete -p twofold | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
            COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            "$fn" twofold "${COMP_WORDS[$COMP_CWORD]}" "${COMP_WORDS[$COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "bash", "twofold", "--home", cli.home.path] + words
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLIRunner.productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func tokenQueriesCompleteToLabelsAndIdsOnlyWhenTheVaultOpensWithoutAsking() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        for (issuer, account, secret) in [("GitHub", "alice", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                                          ("Gitlab", "bob", "JBSWY3DPEHPK3PXQJBSWY3DPEHPK3PXQ"),
                                          ("Bank", "carol", "JBSWY3DPEHPK3PXRJBSWY3DPEHPK3PXR")] {
            #expect(try cli.run(["add", "--issuer", issuer, "--account", account, "--secret", secret]).status == 0)
        }
        #expect(try Self.complete(cli, ["code", "Git"]) == ["GitHub:alice", "Gitlab:bob"])
        #expect(try Self.complete(cli, ["remove", "Ba"]) == ["Bank:carol"])
        #expect(try Self.complete(cli, ["list", ""]).count == 3)
        let listed = try JSONSerialization.jsonObject(with: Data(try cli.run(["list", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let id = try #require(listed.first { $0["issuer"] as? String == "Bank" }?["id"] as? String)
        #expect(try Self.complete(cli, ["edit", String(id.prefix(3))]).contains(String(id.prefix(8))))
        // A completed label works as the query it completes.
        #expect(try cli.run(["code", "GitHub:alice"]).status == 0)
    }

    @Test func aLockedVaultCompletesNothingAndAsksNothing() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        let passphrase = "correct horse battery staple orbit lantern"
        #expect(try cli.run(["init", "--passphrase-stdin"], input: passphrase + "\n" + passphrase + "\n").status == 0)
        #expect(try cli.run(["add", "--issuer", "GitHub", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                             "--passphrase-stdin"], input: passphrase + "\n").status == 0)
        #expect(try Self.complete(cli, ["code", "Git"]) == [])
    }
}

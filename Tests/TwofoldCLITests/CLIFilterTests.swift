import Foundation
import Testing

/// `list QUERY`, `codes QUERY` and `--tag` (issue 20: `list clinic` and `codes --tag desk`
/// were errors).
@Suite("twofold list and codes filters")
struct CLIFilterTests {
    @Test func aQueryAndTagsNarrowTheListing() throws {
        let cli = CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["init", "--no-passphrase"]).status == 0)
        for (issuer, account, secret, tags) in [("Clinic", "alice", "JBSWY3DPEHPK3PXP", ["desk", "work"]),
                                                ("GitHub", "alice", "JBSWY3DPEHPK3PXQ", ["desk"]),
                                                ("Bank", "bob", "JBSWY3DPEHPK3PXR", ["home"])] {
            let added = try cli.run(["add", "--issuer", issuer, "--account", account, "--secret", secret] + tags.flatMap { ["--tag", $0] })
            #expect(added.status == 0, "\(added.stderr)")
        }
        func issuers(_ args: [String]) throws -> [String] {
            let out = try cli.run(args + ["--json"])
            #expect(out.status == 0, "\(args): \(out.stderr)")
            let array = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]] ?? []
            return array.compactMap { $0["issuer"] as? String }.sorted()
        }
        #expect(try issuers(["list", "clinic"]) == ["Clinic"])
        #expect(try issuers(["list", "ALICE"]) == ["Clinic", "GitHub"])
        #expect(try issuers(["list", "--tag", "desk"]) == ["Clinic", "GitHub"])
        #expect(try issuers(["list", "--tag", "DESK", "--tag", "work"]) == ["Clinic"])
        #expect(try issuers(["list", "alice", "--tag", "home"]) == [])
        #expect(try issuers(["codes", "--tag", "desk"]) == ["Clinic", "GitHub"])
        #expect(try issuers(["codes", "bank"]) == ["Bank"])
        let none = try cli.run(["codes", "nothing-like-this"])
        #expect(none.status == 0 && none.stdout.contains("No token matches 'nothing-like-this'"), "\(none.stdout)")
        let table = try cli.run(["codes", "--tag", "home"]).stdout
        #expect(table.contains("Bank") && !table.contains("Clinic"), "\(table)")

        // `code QUERY --tag`: 'alice' names two tokens, the tag picks one.
        let ambiguous = try cli.run(["code", "alice"])
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("matches 2 tokens"), "\(ambiguous.stderr)")
        let picked = try cli.run(["code", "alice", "--tag", "work", "--json"])
        #expect(picked.status == 0, "\(picked.stderr)")
        let clinic = try cli.run(["code", "clinic", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(picked.stdout.utf8)) as? [String: Any])?["id"] as? String
                == (try JSONSerialization.jsonObject(with: Data(clinic.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let untagged = try cli.run(["code", "bank", "--tag", "work"])
        #expect(untagged.status == 1 && untagged.stderr.contains("no token matches 'bank' with tag 'work'"), "\(untagged.stderr)")
    }
}

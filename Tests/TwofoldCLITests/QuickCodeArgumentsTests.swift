import Testing
@testable import twofold

/// The fast path for `twofold code` (``QuickCodeArguments``) against ArgumentParser: for
/// every command line it accepts, ArgumentParser must parse the same line into a
/// `code` command with exactly the same ``CodeInvocation``. Lines it rejects go to
/// ArgumentParser anyway, so they need no check beyond "some are rejected".
@Suite("twofold code fast path")
struct QuickCodeArgumentsTests {
    /// What may come before `code`.
    static let prefixes: [[String]] = [
        [], ["--home", "/h"], ["--home=/h"], ["--home", "-h"], ["--home="], ["--json"], ["--home", "/h", "--home", "/i"],
    ]

    /// What may come after it, one option (with its value) at a time: good, bad and odd.
    static let fragments: [[String]] = [
        ["--json"], ["--copy"], ["--passphrase-stdin"], ["--insecure-relay"], ["--json=yes"],
        ["--at", "59"], ["--at=1111111109"], ["--at", "+7"], ["--at", "x"], ["--at", "-5"], ["--at", "99999999999999999999"],
        ["--time-source", "relay"], ["--time-source=system"], ["--time-source", "bogus"], ["--time-source", "RELAY"],
        ["--relay-ca", "ca.pem"], ["--relay-ca=c=d.pem"], ["--relay-ca", ""],
        ["--home", "/other"], ["--home=/o"],
        ["--"], ["-h"], ["--help"], ["--version"], ["--unknown"], ["-j"],
    ]

    /// Checks one command line; true when the fast path accepted it.
    static func agree(_ arguments: [String]) throws -> Bool {
        guard let quick = QuickCodeArguments.parse(arguments) else { return false }
        let parsed: Any
        do {
            parsed = try TwofoldCommand.parseAsRoot(arguments)
        } catch {
            Issue.record("the fast path accepted \(arguments), which ArgumentParser refuses: \(error)")
            return true
        }
        let command = try #require(parsed as? CodeCommand, "\(arguments) parsed to \(type(of: parsed))")
        #expect(command.invocation == quick, "\(arguments)")
        return true
    }

    @Test func theFastPathBuildsWhatArgumentParserBuilds() throws {
        var accepted = 0, rejected = 0
        func check(_ arguments: [String]) throws {
            if try Self.agree(arguments) { accepted += 1 } else { rejected += 1 }
        }
        for prefix in Self.prefixes {
            for first in Self.fragments {
                for second in Self.fragments {
                    try check(prefix + ["code", "GitHub"] + first + second)
                    try check(prefix + ["code"] + first + ["GitHub"] + second)
                    try check(prefix + ["code"] + first + second + ["GitHub"])
                }
            }
        }
        for query in ["", "-x", "a=b", "two words", "Ünïcode:ådå", "code", "--", "GitHub"] {
            for fragment in Self.fragments {
                try check(["code", query] + fragment)
                try check(["code", "GitHub", query] + fragment)
            }
        }
        for other in [["codes", "GitHub"], ["cod", "GitHub"], ["help", "code"], ["code"], [], ["GitHub", "code"]] {
            try check(other)
        }
        // Both sides are exercised: the fast path takes the common forms, refuses the rest.
        #expect(accepted > 1_000 && rejected > 1_000, "accepted \(accepted), rejected \(rejected)")
    }

    @Test func theCommonFormsTakeTheFastPath() {
        let common: [[String]: CodeInvocation] = [
            ["code", "GitHub"]: CodeInvocation(query: "GitHub"),
            ["--home", "/h", "code", "git"]: CodeInvocation(home: "/h", query: "git"),
            ["code", "git", "--json"]: CodeInvocation(json: true, query: "git"),
            ["code", "--at", "59", "acme"]: CodeInvocation(query: "acme", at: 59),
            ["code", "vpn", "--time-source", "relay", "--relay-ca=ca.pem"]:
                CodeInvocation(query: "vpn", timeSource: .relay, relay: RelayTrust(caFile: "ca.pem")),
            ["code", "--passphrase-stdin", "--copy", "x", "--home=/h"]:
                CodeInvocation(home: "/h", passphraseStdin: true, query: "x", copy: true),
        ]
        for (arguments, expected) in common {
            #expect(QuickCodeArguments.parse(arguments) == expected, "\(arguments)")
        }
    }

    @Test func everythingElseGoesToArgumentParser() {
        let others: [[String]] = [
            ["code"], ["code", "a", "b"], ["code", "--help"], ["code", "-h", "x"], ["--version"], ["code", "x", "--"],
            ["code", "x", "--at", "soon"], ["code", "x", "--json", "--json"], ["--home", "/h", "code", "x", "--home", "/i"],
            ["code", "x", "--time-source", "ntp"], ["code", "x", "--relay-ca"], ["list"], ["code", ""], ["code", "-x"],
        ]
        for arguments in others {
            #expect(QuickCodeArguments.parse(arguments) == nil, "\(arguments)")
        }
    }
}

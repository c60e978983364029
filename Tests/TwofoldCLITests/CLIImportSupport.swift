import Foundation
import Testing

/// The import fixtures (`../shared/fixtures/import/`, else the copy in
/// `Tests/Fixtures/import/`) and the tokens their README says each holds.
enum ImportFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory: URL = {
        let shared = packageRoot.appendingPathComponent("../shared/fixtures/import").standardized
        if FileManager.default.fileExists(atPath: shared.appendingPathComponent("README.md").path) { return shared }
        return packageRoot.appendingPathComponent("Tests/Fixtures/import")
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A token as `list --json --show-secrets` shows it, without the id.
    struct Token: Hashable, CustomStringConvertible {
        var type: String
        var issuer: String
        var account: String
        var secret: String
        var algorithm: String
        var digits: Int
        var periodOrCounter: Int
        var tags: [String] = []
        var note = ""

        var description: String { "\(type) \(issuer):\(account) \(algorithm)/\(digits)/\(periodOrCounter) \(tags)" }

        init(type: String, issuer: String, account: String, secret: String, algorithm: String, digits: Int, periodOrCounter: Int) {
            (self.type, self.issuer, self.account, self.secret) = (type, issuer, account, secret)
            (self.algorithm, self.digits, self.periodOrCounter) = (algorithm, digits, periodOrCounter)
        }

        init(json: [String: Any]) {
            type = json["type"] as? String ?? "?"
            issuer = json["issuer"] as? String ?? "?"
            account = json["account"] as? String ?? "?"
            secret = json["secret"] as? String ?? "?"
            algorithm = json["algorithm"] as? String ?? "?"
            digits = json["digits"] as? Int ?? -1
            periodOrCounter = (type == "hotp" ? json["counter"] : json["period"]) as? Int ?? -1
            tags = json["tags"] as? [String] ?? ["?"]
            note = json["note"] as? String ?? "?"
        }
    }

    /// The README's table, "The tokens inside".
    static let vectors: [Int: Token] = [
        1: Token(type: "totp", issuer: "Deno", account: "Mason", secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ", algorithm: "SHA1", digits: 6, periodOrCounter: 30),
        2: Token(type: "totp", issuer: "SPDX", account: "James", secret: "5OM4WOOGPLQEF6UGN3CPEOOLWU", algorithm: "SHA256", digits: 7, periodOrCounter: 20),
        3: Token(type: "totp", issuer: "Airbnb", account: "Elijah", secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA", algorithm: "SHA512", digits: 8, periodOrCounter: 50),
        4: Token(type: "hotp", issuer: "Issuu", account: "James", secret: "YOOMIXWS5GN6RTBPUFFWKTW5M4", algorithm: "SHA1", digits: 6, periodOrCounter: 1),
        5: Token(type: "hotp", issuer: "Air Canada", account: "Benjamin", secret: "KUVJJOM753IHTNDSZVCNKL7GII", algorithm: "SHA256", digits: 7, periodOrCounter: 50),
        6: Token(type: "hotp", issuer: "WWE", account: "Mason", secret: "5VAML3X35THCEBVRLV24CGBKOY", algorithm: "SHA512", digits: 8, periodOrCounter: 10300),
        7: Token(type: "steam", issuer: "Boeing", account: "Sophia", secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", algorithm: "SHA1", digits: 5, periodOrCounter: 30),
    ]

    static func tokens(_ numbers: [Int], _ adjust: (inout Token) -> Void = { _ in }) -> [Token] {
        numbers.map { var token = vectors[$0]!; adjust(&token); return token }
    }

    /// One fixture file: its format as `import --json` names it, its password, and the
    /// tokens it holds after the README's per-file adjustments.
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var format: String
        var password: String?
        var numbers: [Int]
        var adjustment: Adjustment = .none

        enum Adjustment: Sendable {
            case none, twofasSchema1, twofasSchema2, groups, steamIssuer(account: String)
        }

        var testDescription: String { file }

        var expected: [Token] {
            ImportFixtures.tokens(numbers) { token in
                switch adjustment {
                case .none:
                    break
                case .twofasSchema1:
                    (token.type, token.algorithm, token.digits, token.periodOrCounter) = ("totp", "SHA1", 6, 30)
                case .twofasSchema2:
                    if token.type == "hotp" { (token.type, token.periodOrCounter) = ("totp", 30) }
                case .groups:
                    token.tags = [1: ["group1"], 3: ["group1"], 4: ["group2"]][ImportFixtures.number(of: token)] ?? []
                case .steamIssuer(let account):
                    if token.type == "steam" { (token.issuer, token.account) = ("Steam", account) }
                }
            }
        }
    }

    static func number(of token: Token) -> Int { vectors.first { $0.value.secret == token.secret }!.key }

    static let cases: [Case] = [
        Case(file: "plain.txt", format: "otpauth", numbers: Array(1...7)),
        Case(file: "ente_auth.txt", format: "ente", numbers: Array(1...7)),
        Case(file: "aegis_plain.json", format: "aegis", numbers: Array(1...7)),
        Case(file: "aegis_encrypted.json", format: "aegis", password: "test", numbers: Array(1...7)),
        Case(file: "aegis_plain_grouped_v2.json", format: "aegis", numbers: Array(1...7), adjustment: .groups),
        Case(file: "andotp_plain.json", format: "andotp", numbers: Array(1...7)),
        Case(file: "andotp_encrypted.bin", format: "andotp", password: "test", numbers: Array(1...7)),
        Case(file: "andotp_encrypted_old.bin", format: "andotp", password: "test", numbers: Array(1...6)),
        Case(file: "2fas_authenticator.json", format: "2fas", numbers: Array(1...6), adjustment: .twofasSchema1),
        Case(file: "2fas_authenticator_plain.2fas", format: "2fas", numbers: [1, 3, 4, 6], adjustment: .twofasSchema2),
        Case(file: "2fas_authenticator_encrypted.2fas", format: "2fas", password: "test", numbers: [1, 3, 4, 6], adjustment: .twofasSchema2),
        Case(file: "2fas_authenticator_plain_v3.2fas", format: "2fas", numbers: Array(1...6)),
        Case(file: "2fas_authenticator_encrypted_v3.2fas", format: "2fas", password: "test", numbers: Array(1...6)),
        Case(file: "2fas_authenticator_plain_v4.2fas", format: "2fas", numbers: [1, 4, 5, 6, 7]),
        Case(file: "2fas_authenticator_encrypted_v4.2fas", format: "2fas", password: "test", numbers: [1, 4, 5, 6, 7]),
        Case(file: "bitwarden.json", format: "bitwarden", numbers: [1, 2, 3, 7], adjustment: .steamIssuer(account: "Test Steam")),
        Case(file: "bitwarden.csv", format: "bitwarden", numbers: [1, 2, 3, 7], adjustment: .steamIssuer(account: "Test 4")),
        Case(file: "freeotp_plus.json", format: "freeotp-plus", numbers: Array(1...6)),
        Case(file: "proton_authenticator.json", format: "proton", numbers: [1, 2, 3]),
        Case(file: "stratum_plain.json", format: "authenticator-pro", numbers: Array(1...7)),
        Case(file: "steam.json", format: "steam", numbers: [7], adjustment: .steamIssuer(account: "Sophia")),
    ]
}

extension CLIRunner {
    /// A fresh `--no-passphrase` vault.
    static func initialized() throws -> CLIRunner {
        let cli = CLIRunner()
        let result = try cli.run(["init", "--no-passphrase"])
        precondition(result.status == 0, result.stderr)
        return cli
    }

    /// `list --json --show-secrets`, as tokens without ids.
    func tokens() throws -> [ImportFixtures.Token] {
        try listed().map(ImportFixtures.Token.init(json:))
    }

    /// `list --json --show-secrets`, as JSON objects.
    func listed() throws -> [[String: Any]] {
        let list = try run(["list", "--json", "--show-secrets"])
        return try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]], "\(list.stderr)")
    }

    /// A file in a fresh scratch folder beside the home (removed with the home's parent
    /// temporary directory by the system, and by ``removeScratch()``).
    func scratchFile(_ name: String) -> URL {
        let folder = URL(fileURLWithPath: home.path + "-files")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    func removeScratch() { try? FileManager.default.removeItem(atPath: home.path + "-files") }
}

/// Parses one JSON object from a command's output.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
}

/// Checks the shape of a failed command: exit 1, every stderr line `twofold: …` with no
/// crash, the last line mentioning `mentions`, and the home byte-for-byte unchanged.
func expectRefused(
    _ result: CLIRunner.Result, by cli: CLIRunner, before: [String: Data], mentions: String, oneLine: Bool = true,
    _ name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == 1, "\(name): status \(result.status), stderr \(result.stderr)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
    if oneLine { #expect(lines.count == 1, "\(name): \(result.stderr)", sourceLocation: sourceLocation) }
    #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("twofold: ") }, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(lines.last?.lowercased().contains(mentions.lowercased()) == true, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Fatal error"), "\(name) crashed", sourceLocation: sourceLocation)
    #expect(cli.snapshot() == before, "\(name) changed the home", sourceLocation: sourceLocation)
}

import Foundation
import Testing

/// `twofold export` through the real binary: every format round-trips through `import`
/// into a fresh home with the same tokens and codes; files are private; unencrypted
/// exports need a confirmation.
@Suite("twofold export")
struct CLIExportTests {
    /// Tokens of every kind, including labels that need percent-encoding.
    static let uris = [
        "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        "otpauth://totp/Example:bob@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA256&digits=8",
        "otpauth://totp/B%C3%A4ckerei%20%26%20Co:jo%2B1%40ex%C3%A4mple.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=B%C3%A4ckerei%20%26%20Co",
        "otpauth://totp/carol?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&algorithm=SHA512&digits=7&period=60",
        "otpauth://hotp/Bank:me?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Bank&counter=5",
        "otpauth://hotp/VPN:ops?secret=5VAML3X35THCEBVRLV24CGBKOY&issuer=VPN&algorithm=SHA512&digits=8&counter=10300",
    ]

    /// A home holding ``uris``, a Steam token, tags and a note, and one HOTP token used
    /// twice (so its next counter is no longer the one it was added with).
    static func source() throws -> CLIRunner {
        let cli = try CLIRunner.initialized()
        for uri in uris { try cli.run(["add", uri]) }
        try cli.run(["add", "--issuer", "Steam", "--account", "gabe", "--secret", "JRZCL47CMXVOQMNPZR2F7J4RGI", "--type", "steam"])
        try cli.run(["edit", "github", "--note", "work laptop", "--tag", "dev", "--tag", "ops"])
        try cli.run(["code", "bank"])
        try cli.run(["code", "bank"])
        return cli
    }

    /// Google Authenticator holds 6 or 8 digits, 30-second TOTP and HOTP, no Steam.
    static func googleCanHold(_ token: ImportFixtures.Token) -> Bool {
        token.type != "steam" && [6, 8].contains(token.digits) && (token.type == "hotp" || token.periodOrCounter == 30)
    }

    struct Format: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String]
        var password: String?
        var carriesTagsAndNotes: Bool
        var testDescription: String { name }
    }

    static let formats = [
        Format(name: "otpauth", args: ["--format", "otpauth", "--yes"], carriesTagsAndNotes: false),
        Format(name: "otpauth, Steam as encoder=steam", args: ["--format", "otpauth", "--steam-as", "encoder", "--yes"], carriesTagsAndNotes: false),
        Format(name: "aegis", args: ["--format", "aegis", "--yes"], carriesTagsAndNotes: true),
        Format(name: "aegis encrypted", args: ["--format", "aegis", "--encrypt", "--password-stdin"], password: "correct horse", carriesTagsAndNotes: true),
        Format(name: "google", args: ["--format", "google", "--yes", "--skip-unsupported"], carriesTagsAndNotes: false),
    ]

    @Test(arguments: formats)
    func exportThenImportGivesTheSameTokensAndCodes(_ format: Format) throws {
        let source = try Self.source()
        defer { source.cleanUp(); source.removeScratch() }
        let file = source.scratchFile("export")
        let input = format.password.map { "\($0)\n" } ?? ""
        let exported = try source.run(["export", "--output", file.path] + format.args, input: input)
        #expect(exported.status == 0, "\(exported.stderr)")
        var st = stat()
        #expect(stat(file.path, &st) == 0 && st.st_mode & 0o777 == 0o600, "the export is not private")

        let target = try CLIRunner.initialized()
        defer { target.cleanUp() }
        if let password = format.password {
            let wrong = try target.run(["import", file.path, "--password-stdin"], input: "not \(password)\n")
            #expect(wrong.status == 1 && wrong.stderr.contains("password"))
        }
        let imported = try target.run(["import", file.path, "--password-stdin"], input: input.isEmpty ? "\n" : input)
        #expect(imported.status == 0, "\(imported.stderr)")

        var expected = try source.tokens()
        if format.name == "google" {
            expected = expected.filter(Self.googleCanHold)
            #expect(expected.count == 5 && exported.stderr.contains("left out"), "\(exported.stderr)")
        }
        if !format.carriesTagsAndNotes {
            expected = expected.map { var t = $0; t.tags = []; t.note = ""; return t }
        }
        #expect(Set(try target.tokens()) == Set(expected))
        #expect(expected.contains { $0.type == "hotp" && $0.issuer == "Bank" && $0.periodOrCounter == 7 })

        // Same codes: TOTP and Steam at fixed times, HOTP as the next two codes on each side.
        let sourceIDs = try Self.idsBySecret(source), targetIDs = try Self.idsBySecret(target)
        for token in expected {
            let (a, b) = (try #require(sourceIDs[token.secret]), try #require(targetIDs[token.secret]))
            if token.type == "hotp" {
                for _ in 0..<2 { #expect(try source.run(["code", a]).stdout == (try target.run(["code", b]).stdout)) }
            } else {
                for time in ["59", "1111111109", "2000000000"] {
                    let (mine, theirs) = (try source.run(["code", a, "--at", time]), try target.run(["code", b, "--at", time]))
                    #expect(mine.status == 0 && mine.stdout == theirs.stdout, "\(token)")
                }
            }
        }
    }

    static func idsBySecret(_ cli: CLIRunner) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try cli.listed().map { ($0["secret"] as! String, $0["id"] as! String) })
    }

    @Test func anUnencryptedExportNeedsConfirmation() throws {
        let cli = try Self.source()
        defer { cli.cleanUp(); cli.removeScratch() }
        let file = cli.scratchFile("export.txt")
        let refused = try cli.run(["export", "--format", "otpauth", "--output", file.path])
        #expect(refused.status == 1 && refused.stderr.contains("--yes") && refused.stdout.isEmpty, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        // Encrypted needs no confirmation.
        let encrypted = try cli.run(["export", "--format", "aegis", "--encrypt", "--password-stdin", "--output", file.path], input: "pw\n")
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        #expect(!(try String(contentsOf: file, encoding: .utf8)).contains("JBSWY3DPEHPK3PXP"))
    }

    @Test func formatsRefuseWhatTheyCannotHold() throws {
        let cli = try Self.source()
        defer { cli.cleanUp() }
        let google = try cli.run(["export", "--format", "google", "--yes"])
        #expect(google.status == 1 && google.stderr.contains("--skip-unsupported") && google.stdout.isEmpty, "\(google.stderr)")
        let encryptOTPAuth = try cli.run(["export", "--format", "otpauth", "--encrypt"])
        #expect(encryptOTPAuth.status == 2 && encryptOTPAuth.stderr.contains("aegis"))
        let emptyPassword = try cli.run(["export", "--format", "aegis", "--encrypt", "--password-stdin"], input: "\n")
        #expect(emptyPassword.status == 1 && emptyPassword.stderr.contains("empty"))
        let qrAegis = try cli.run(["export", "--format", "aegis", "--qr", "--yes"])
        #expect(qrAegis.status == 2)
    }

    @Test func googleExportsComeInBatchesOfTen() throws {
        let cli = try CLIRunner.initialized()
        defer { cli.cleanUp() }
        let secrets = ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK", "KRSXG5CTMVRXEZLU"]
        for index in 0..<23 {
            let secret = secrets[index % 4] + String(repeating: "A", count: 8 * (index / 4 + 1))
            try cli.run(["add", "--issuer", "Batch", "--account", "user\(index)", "--secret", secret])
        }
        let exported = try cli.run(["export", "--format", "google", "--yes"])
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("otpauth-migration://offline?data=") })
        let target = try CLIRunner.initialized()
        defer { target.cleanUp() }
        #expect(try jsonObject(target.run(["import", "-", "--json"], input: exported.stdout).stdout)["added"] as? Int == 23)
    }

    @Test func qrCodesAreDrawnWithBlocks() throws {
        let cli = try Self.source()
        defer { cli.cleanUp() }
        let otpauth = try cli.run(["export", "--format", "otpauth", "--qr", "--yes"])
        #expect(otpauth.status == 0, "\(otpauth.stderr)")
        #expect(otpauth.stdout.contains("█") && otpauth.stdout.contains("▀") && otpauth.stdout.contains("▄"))
        #expect(otpauth.stdout.contains("of 7: Bank:me") && otpauth.stdout.contains("7 of 7"))
        #expect(!otpauth.stdout.contains("\u{1B}["), "no colours when not on a terminal")
        let google = try cli.run(["export", "--format", "google", "--qr", "--yes", "--skip-unsupported"])
        #expect(google.status == 0 && google.stdout.contains("Google Authenticator batch 1 of 1") && google.stdout.contains("█"))
    }
}

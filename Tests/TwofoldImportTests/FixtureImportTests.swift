import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Every fixture file, with the tokens its README row says it holds, after the README's
/// per-file adjustments.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    var file: String
    var format: ImportFormat
    var password: String?
    var expected: [OTPToken]

    var testDescription: String { file }

    static let all: [FixtureCase] = {
        let all7 = (1...7).map { Vectors.token($0) }
        let first6 = (1...6).map { Vectors.token($0) }
        let bitwardenSteam = { (account: String) in
            Vectors.token(7) { $0.issuer = "Steam"; $0.account = account }
        }
        // Schema 2 has no token type: its HOTP entries (4, 6) come out as TOTP, 30 s.
        let schema2 = [Vectors.token(1), Vectors.token(3), Vectors.token(4, Vectors.asTOTP30),
                       Vectors.token(6, Vectors.asTOTP30)]
        let grouped: [Int: [String]] = [1: ["group1"], 3: ["group1"], 4: ["group2"]]
        return [
            FixtureCase(file: "plain.txt", format: .otpauth, expected: all7),
            FixtureCase(file: "ente_auth.txt", format: .ente, expected: all7),
            FixtureCase(file: "aegis_plain.json", format: .aegis, expected: all7),
            FixtureCase(file: "aegis_encrypted.json", format: .aegis, password: "test", expected: all7),
            FixtureCase(
                file: "aegis_plain_grouped_v2.json", format: .aegis,
                expected: (1...7).map { n in Vectors.token(n) { $0.tags = grouped[n] ?? [] } }),
            FixtureCase(file: "andotp_plain.json", format: .andotp, expected: all7),
            FixtureCase(file: "andotp_encrypted.bin", format: .andotp, password: "test", expected: all7),
            FixtureCase(file: "andotp_encrypted_old.bin", format: .andotp, password: "test", expected: first6),
            FixtureCase(
                file: "2fas_authenticator.json", format: .twofas,
                expected: (1...6).map { n in
                    Vectors.token(n) {
                        Vectors.asTOTP30(&$0)
                        $0.algorithm = .sha1
                        $0.digits = 6
                    }
                }),
            FixtureCase(file: "2fas_authenticator_plain.2fas", format: .twofas, expected: schema2),
            FixtureCase(
                file: "2fas_authenticator_encrypted.2fas", format: .twofas, password: "test", expected: schema2),
            FixtureCase(file: "2fas_authenticator_plain_v3.2fas", format: .twofas, expected: first6),
            FixtureCase(
                file: "2fas_authenticator_encrypted_v3.2fas", format: .twofas, password: "test", expected: first6),
            FixtureCase(
                file: "2fas_authenticator_plain_v4.2fas", format: .twofas,
                expected: [1, 4, 5, 6, 7].map { Vectors.token($0) }),
            FixtureCase(
                file: "2fas_authenticator_encrypted_v4.2fas", format: .twofas, password: "test",
                expected: [1, 4, 5, 6, 7].map { Vectors.token($0) }),
            FixtureCase(
                file: "bitwarden.json", format: .bitwarden,
                expected: [1, 2, 3].map { Vectors.token($0) } + [bitwardenSteam("Test Steam")]),
            FixtureCase(
                file: "bitwarden.csv", format: .bitwarden,
                expected: [1, 2, 3].map { Vectors.token($0) } + [bitwardenSteam("Test 4")]),
            FixtureCase(file: "freeotp_plus.json", format: .freeotpPlus, expected: first6),
            FixtureCase(
                file: "proton_authenticator.json", format: .proton, expected: [1, 2, 3].map { Vectors.token($0) }),
            FixtureCase(file: "stratum_plain.json", format: .authenticatorPro, expected: all7),
            FixtureCase(
                file: "steam.json", format: .steam,
                expected: [Vectors.token(7) { $0.issuer = "Steam" }]),
        ]
    }()
}

@Suite("Fixture files of other apps")
struct FixtureImportTests {
    @Test("every fixture file is covered by a case")
    func everyFixtureCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.path)
            .filter { $0 != "README.md" }
        #expect(Set(files) == Set(FixtureCase.all.map(\.file)))
    }

    @Test("imports with the format given", arguments: FixtureCase.all)
    func importsWithFormat(_ fixture: FixtureCase) throws {
        let data = try Fixtures.data(fixture.file)
        let result = try Importer.read(data, format: fixture.format, password: fixture.password)
        #expect(result.format == fixture.format)
        expectTokens(result, fixture.expected, file: fixture.file)
    }

    @Test("detects the format from the bytes", arguments: FixtureCase.all)
    func detectsFormat(_ fixture: FixtureCase) throws {
        let data = try Fixtures.data(fixture.file)
        #expect(ImportFormat.detect(data) == fixture.format)
    }

    @Test("imports with the format detected", arguments: FixtureCase.all.filter { $0.password == nil })
    func importsDetected(_ fixture: FixtureCase) throws {
        let result = try Importer.read(Fixtures.data(fixture.file))
        expectTokens(result, fixture.expected, file: fixture.file)
    }

    @Test("keeps entry order and labels")
    func entryPositions() throws {
        let result = try Importer.read(Fixtures.data("plain.txt"), format: .otpauth)
        #expect(result.tokens.map(\.entry.index) == Array(0..<7))
        #expect(result.tokens.map(\.entry.line) == (1...7).map { $0 })
        #expect(result.tokens[4].entry.label == "Air Canada:Benjamin")
    }
}

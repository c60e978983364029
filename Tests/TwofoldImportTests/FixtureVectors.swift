import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// The eight tokens of the fixtures README ("The tokens inside"), as data.
enum Vectors {
    struct Row {
        var number: Int
        var kind: OTPKind
        var account: String
        var issuer: String
        var secret: String
        var algorithm: OTPAlgorithm
        var digits: Int
        var period: Int
        var counter: UInt64
    }

    static let table: [Row] = [
        Row(number: 1, kind: .totp, account: "Mason", issuer: "Deno", secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ",
            algorithm: .sha1, digits: 6, period: 30, counter: 0),
        Row(number: 2, kind: .totp, account: "James", issuer: "SPDX", secret: "5OM4WOOGPLQEF6UGN3CPEOOLWU",
            algorithm: .sha256, digits: 7, period: 20, counter: 0),
        Row(number: 3, kind: .totp, account: "Elijah", issuer: "Airbnb", secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA",
            algorithm: .sha512, digits: 8, period: 50, counter: 0),
        Row(number: 4, kind: .hotp, account: "James", issuer: "Issuu", secret: "YOOMIXWS5GN6RTBPUFFWKTW5M4",
            algorithm: .sha1, digits: 6, period: 30, counter: 1),
        Row(number: 5, kind: .hotp, account: "Benjamin", issuer: "Air Canada", secret: "KUVJJOM753IHTNDSZVCNKL7GII",
            algorithm: .sha256, digits: 7, period: 30, counter: 50),
        Row(number: 6, kind: .hotp, account: "Mason", issuer: "WWE", secret: "5VAML3X35THCEBVRLV24CGBKOY",
            algorithm: .sha512, digits: 8, period: 30, counter: 10300),
        Row(number: 7, kind: .steam, account: "Sophia", issuer: "Boeing", secret: "JRZCL47CMXVOQMNPZR2F7J4RGI",
            algorithm: .sha1, digits: 5, period: 30, counter: 0),
    ]

    /// The expected token for row `number`, with the model's field values.
    static func token(_ number: Int) -> OTPToken {
        let row = table[number - 1]
        return OTPToken(
            kind: row.kind, secret: try! Base32.decode(row.secret), issuer: row.issuer, account: row.account,
            algorithm: row.algorithm, digits: row.digits, period: row.period, counter: row.counter)
    }

    /// Row `number` as a file holding it looks after a README adjustment.
    static func token(_ number: Int, _ adjust: (inout OTPToken) -> Void) -> OTPToken {
        var token = token(number)
        adjust(&token)
        return token
    }

    /// Schema-1/2 2FAS and similar: every token read as TOTP with 30 s.
    static func asTOTP30(_ token: inout OTPToken) {
        token.kind = .totp
        token.period = 30
        token.counter = 0
    }
}

/// Locates the fixture files: `../shared/fixtures/import/` beside the package, else the
/// copy in `Tests/Fixtures/import/`.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory: URL = {
        let shared = packageRoot.appendingPathComponent("../shared/fixtures/import").standardized
        if FileManager.default.fileExists(atPath: shared.appendingPathComponent("README.md").path) {
            return shared
        }
        return packageRoot.appendingPathComponent("Tests/Fixtures/import")
    }()

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }
}

/// Compares every field, and the codes, of imported tokens with the expected ones,
/// matching them by secret (the README's rule).
func expectTokens(
    _ result: ImportResult, _ expected: [OTPToken], file: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.failures.isEmpty, "\(file): \(result.failures)", sourceLocation: sourceLocation)
    #expect(result.tokens.count == expected.count, "\(file): token count", sourceLocation: sourceLocation)
    for want in expected {
        guard let got = result.tokens.first(where: { $0.token.secret == want.secret })?.token else {
            Issue.record("\(file): no token for \(want.label)", sourceLocation: sourceLocation)
            continue
        }
        #expect(got.kind == want.kind, "\(file) \(want.label): kind", sourceLocation: sourceLocation)
        #expect(got.issuer == want.issuer, "\(file) \(want.label): issuer", sourceLocation: sourceLocation)
        #expect(got.account == want.account, "\(file) \(want.label): account", sourceLocation: sourceLocation)
        #expect(got.algorithm == want.algorithm, "\(file) \(want.label): algorithm", sourceLocation: sourceLocation)
        #expect(got.digits == want.digits, "\(file) \(want.label): digits", sourceLocation: sourceLocation)
        #expect(got.period == want.period, "\(file) \(want.label): period", sourceLocation: sourceLocation)
        #expect(got.counter == want.counter, "\(file) \(want.label): counter", sourceLocation: sourceLocation)
        #expect(got.tags == want.tags, "\(file) \(want.label): tags", sourceLocation: sourceLocation)
        #expect(got.note == want.note, "\(file) \(want.label): note", sourceLocation: sourceLocation)
        #expect(got == want, "\(file) \(want.label): whole token", sourceLocation: sourceLocation)
        for time: Int64 in [0, 59, 1_111_111_109, 2_000_000_000] {
            #expect(
                got.code(atUnixTime: time) == want.code(atUnixTime: time), "\(file) \(want.label): code at \(time)",
                sourceLocation: sourceLocation)
        }
    }
}

import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// KeePassXC's CSV export and the shared KeePass TOTP decoding (``KeePassOTP``).
/// Files written by the real keepassxc-cli are in `KeePassXCInteropTests`.
@Suite("KeePass CSV and TOTP fields")
struct KeePassCSVTests {
    static let header = #""Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created""#

    static func csv(_ rows: [String]) -> Data {
        Data(([header] + rows).joined(separator: "\n").utf8 + Data("\n".utf8))
    }

    static func row(group: String = "Root", title: String, user: String, totp: String) -> String {
        [group, title, user, "pw", "", "", totp, "0", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"]
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            .joined(separator: ",")
    }

    @Test("KeePassXC's CSV is recognised and read; password entries are counted, not failures")
    func readsCSV() throws {
        let data = Self.csv([
            Self.row(title: "Corp: Inc", user: "ops@corp.example",
                totp: "otpauth://totp/Corp%3A%20Inc:ops%40corp.example?secret=JBSWY3DPEHPK3PXP&period=30&digits=6&issuer=Corp%3A%20Inc"),
            Self.row(group: "Root/Games", title: "Steam", user: "gaben",
                totp: "otpauth://totp/Steam:gaben?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=5&issuer=Steam&encoder=steam"),
            Self.row(title: "Mail", user: "carol", totp: ""),
            Self.row(title: "Bank", user: "", totp: "otpauth://totp/Bank:?secret=JBSWY3DPEHPK3PXP&period=60&digits=8&algorithm=SHA256"),
        ])
        #expect(ImportFormat.detect(data) == .keepass)
        let result = try Importer.read(data)
        #expect(result.format == .keepass)
        #expect(result.failures.isEmpty)
        #expect(result.withoutToken == 1)
        let tokens = result.tokens.map(\.token)
        try #require(tokens.count == 3)
        #expect(tokens[0].issuer == "Corp: Inc" && tokens[0].account == "ops@corp.example")
        #expect(tokens[1].kind == .steam && tokens[1].digits == 5 && tokens[1].tags == ["Games"])
        #expect(tokens[0].tags.isEmpty, "the root group is no tag")
        #expect(tokens[2].issuer == "Bank" && tokens[2].period == 60 && tokens[2].digits == 8 && tokens[2].algorithm == .sha256)
        #expect(result.tokens.map(\.entry.line) == [2, 3, 5])
    }

    @Test("one broken TOTP refuses the file's import as a failure naming the line; the others still read")
    func brokenEntry() throws {
        let data = Self.csv([
            Self.row(title: "Good", user: "a", totp: "otpauth://totp/Good:a?secret=JBSWY3DPEHPK3PXP"),
            Self.row(title: "Bad", user: "b", totp: "otpauth://totp/Bad:b?secret=JBSWY3DPEHPK3PX1"),
            Self.row(title: "Odd", user: "c", totp: "not a uri"),
        ])
        let result = try Importer.read(data, format: .keepass)
        #expect(result.tokens.count == 1)
        #expect(result.failures.map(\.entry.line) == [3, 4])
        #expect(result.failures[0].reason.contains("otp"))
        #expect(result.failures[1].reason.contains("neither an otpauth:// URI"))
    }

    @Test("legacy TOTP Seed / TOTP Settings columns")
    func legacyColumns() throws {
        let data = Data("""
            Title,Username,TOTP Seed,TOTP Settings
            Legacy,bob,JBSWY3DPEHPK3PXP,60;8
            Steam,gaben,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30;S
            Plain,dan,JBSWY3DPEHPK3PXP,
            None,erin,,

            """.utf8)
        #expect(ImportFormat.detect(data) == .keepass)
        let result = try Importer.read(data)
        #expect(result.failures.isEmpty)
        #expect(result.withoutToken == 1)
        let tokens = result.tokens.map(\.token)
        try #require(tokens.count == 3)
        #expect(tokens[0].issuer == "Legacy" && tokens[0].account == "bob" && tokens[0].period == 60 && tokens[0].digits == 8)
        #expect(tokens[1].kind == .steam && tokens[1].digits == 5)
        #expect(tokens[2].period == 30 && tokens[2].digits == 6)
    }

    @Test("KeePassOTP: each stored form, and nil for an entry without TOTP")
    func sharedDecoding() throws {
        #expect(try KeePassOTP.token(otp: nil, seed: nil, settings: nil, title: "T", username: "u") == nil)
        #expect(try KeePassOTP.token(otp: " ", seed: "", settings: "30;6", title: "T", username: "u") == nil)

        let steam = try #require(try KeePassOTP.token(
            otp: "otpauth://totp/S:g?secret=JBSWY3DPEHPK3PXP&encoder=steam&issuer=S&issuer=S", seed: nil, settings: nil,
            title: "T", username: "u"))
        #expect(steam.kind == .steam && steam.issuer == "S" && steam.account == "g")

        let named = try #require(try KeePassOTP.token(
            otp: "otpauth://totp/?secret=JBSWY3DPEHPK3PXP", seed: nil, settings: nil, title: "Title", username: "user"))
        #expect(named.issuer == "Title" && named.account == "user", "the entry's names stand in for missing ones")

        let keeOtp = try #require(try KeePassOTP.token(
            otp: "key=JBSWY3DPEHPK3PXP&size=8&step=60&otpHashMode=SHA512", seed: nil, settings: nil, title: "K", username: "k"))
        #expect(keeOtp.digits == 8 && keeOtp.period == 60 && keeOtp.algorithm == .sha512)

        let seedURI = try #require(try KeePassOTP.token(
            otp: nil, seed: "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", settings: nil, title: "T", username: "u"))
        #expect(seedURI.issuer == "A")

        let otpWins = try #require(try KeePassOTP.token(
            otp: "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", seed: "GEZDGNBV", settings: "30;S", title: "T", username: "u"))
        #expect(otpWins.kind == .totp, "the otp attribute wins over the legacy fields, as in KeePassXC")
    }

    @Test("KeePassOTP: bad legacy settings fail with the field named")
    func badLegacySettings() {
        for settings in ["x;6", "30;abc", "30;6;SHA256", "-30;6", "99999999999999999999;6"] {
            #expect(throws: EntryError.self, "\(settings)") {
                try KeePassOTP.token(otp: nil, seed: "JBSWY3DPEHPK3PXP", settings: settings, title: "T", username: "u")
            }
        }
        #expect(throws: EntryError.self) {
            try KeePassOTP.token(otp: "key=JBSWY3DPEHPK3PXP&size=6&size=8", seed: nil, settings: nil, title: "T", username: "u")
        }
        // Steam with a period other than 30 s is refused by validation, never silently changed.
        let steam60 = try? KeePassOTP.token(otp: nil, seed: "JBSWY3DPEHPK3PXP", settings: "60;S", title: "T", username: "u")
        #expect(steam60?.kind == .steam && steam60?.period == 60)
        #expect(throws: OTPError.self) { try steam60?.validate() }
    }

    @Test("hostile CSV: unterminated quote, no header, not UTF-8, too many rows")
    func hostile() throws {
        #expect(throws: ImportError.self) {
            try Importer.read(Data((Self.header + "\n\"Root\",\"never closed\n").utf8), format: .keepass)
        }
        #expect(throws: ImportError.self) {
            try Importer.read(Data("a,b,c\n1,2,3\n".utf8), format: .keepass)
        }
        #expect(throws: ImportError.self) {
            try Importer.read(Data([0xFF, 0xFE, 0x00, 0x41]), format: .keepass)
        }
        #expect(throws: ImportError.self) { try Importer.read(Data(), format: .keepass) }
        let many = Self.csv(Array(repeating: Self.row(title: "T", user: "u", totp: "otpauth://totp/T:u?secret=JBSWY3DPEHPK3PXP"),
            count: ImportLimits.maxEntries + 1))
        #expect(throws: ImportError.tooManyEntries(limit: ImportLimits.maxEntries)) {
            try Importer.read(many, format: .keepass)
        }
        // A huge field fails its entry with a clear reason, not a crash.
        let longTitle = String(repeating: "x", count: ImportLimits.maxLabelLength + 1)
        let result = try Importer.read(Self.csv([Self.row(title: longTitle, user: "u",
            totp: "otpauth://totp/?secret=JBSWY3DPEHPK3PXP")]), format: .keepass)
        #expect(result.failures.first?.reason.contains("longer than") == true)
    }
}

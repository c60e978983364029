import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

@Suite("Format details")
struct FormatDetailTests {
    @Test("otpauth lists: comments, blank lines, CRLF, a BOM; a migration line is pointed elsewhere")
    func otpauthList() throws {
        let text = "\u{FEFF}# my tokens\r\n\r\n  otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP  \r\notpauth-migration://offline?data=AA\r\n"
        let result = try Importer.read(Data(text.utf8), format: .otpauth)
        #expect(result.tokens.map(\.entry.line) == [3])
        #expect(result.failures.map(\.entry.line) == [4])
        #expect(result.failures.first?.reason.contains("google") == true)
    }

    @Test("Ente keeps tags and note from codeDisplay")
    func enteTagsAndNote() throws {
        let display = #"{"pinned":true,"trashed":false,"tags":["Work","Home Lab"],"note":"a + b"}"#
        let escaped = display.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let text = "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno&codeDisplay=\(escaped)\n"
        let result = try Importer.read(Data(text.utf8))
        #expect(result.format == .ente)
        expectTokens(result, [Vectors.token(1) { $0.tags = ["Work", "Home Lab"]; $0.note = "a + b" }], file: "ente")
    }

    @Test("Aegis v3 groups become tags; unknown group ids are ignored")
    func aegisV3Groups() throws {
        let vault = """
        {"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3,
          "groups": [{"uuid": "A1", "name": "Work"}, {"uuid": "b2", "name": "Home"}],
          "entries": [{"type": "totp", "name": "Mason", "issuer": "Deno", "note": "n",
            "groups": ["a1", "B2", "c3"],
            "info": {"secret": "4SJHB4GSD43FZBAI7C2HLRJGPQ", "algo": "SHA1", "digits": 6, "period": 30}}]}}
        """
        let result = try Importer.read(Data(vault.utf8))
        expectTokens(result, [Vectors.token(1) { $0.tags = ["Work", "Home"]; $0.note = "n" }], file: "aegis v3")
    }

    @Test("2FAS groups become tags")
    func twofasGroups() throws {
        let backup = """
        {"schemaVersion": 4, "groups": [{"id": "g1", "name": "Work"}], "services": [
          {"name": "Deno", "secret": "4SJHB4GSD43FZBAI7C2HLRJGPQ", "groupId": "g1",
           "otp": {"account": "Mason", "digits": 6, "period": 30, "algorithm": "SHA1", "tokenType": "TOTP"}}]}
        """
        expectTokens(try Importer.read(Data(backup.utf8)), [Vectors.token(1) { $0.tags = ["Work"] }], file: "2fas")
    }

    @Test("FreeOTP+: a counter at its maximum fails; bytes out of range fail")
    func freeOTPCounters() throws {
        let json = """
        {"tokenOrder": [], "tokens": [
          {"type": "HOTP", "algo": "SHA1", "digits": 6, "counter": 18446744073709551615, "label": "a", "secret": [1, 2, 3]},
          {"type": "TOTP", "algo": "SHA1", "digits": 6, "period": 30, "label": "b", "secret": [1, 200]}]}
        """
        let result = try Importer.read(Data(json.utf8))
        #expect(result.tokens.isEmpty)
        #expect(result.failures.count == 2)
    }

    @Test("Bitwarden: bare secrets, quoted CSV fields, items without TOTP are not entries")
    func bitwardenVariants() throws {
        let csv = """
        folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp
        ,,login,"Mail, personal","multi
        line note",,,alice,pw,JBSW Y3DP EHPK 3PXP
        ,,login,No token,,,,bob,pw,

        """
        let result = try Importer.read(Data(csv.utf8))
        #expect(result.format == .bitwarden)
        #expect(result.failures.isEmpty)
        let token = try #require(result.tokens.first)
        #expect(result.tokens.count == 1)
        #expect(token.token.issuer == "Mail, personal" && token.token.account == "alice")
        #expect(token.entry.line == 2)
    }

    @Test("Authenticator Pro categories become tags")
    func authenticatorProCategories() throws {
        let json = """
        {"Authenticators": [{"Type": 2, "Issuer": "Deno", "Username": "Mason", "Secret": "4SJHB4GSD43FZBAI7C2HLRJGPQ",
          "Algorithm": 0, "Digits": 6, "Period": 30, "Counter": 0}],
         "Categories": [{"Id": "c1", "Name": "Work"}],
         "AuthenticatorCategories": [{"CategoryId": "c1", "AuthenticatorSecret": "4SJHB4GSD43FZBAI7C2HLRJGPQ"}]}
        """
        expectTokens(try Importer.read(Data(json.utf8)), [Vectors.token(1) { $0.tags = ["Work"] }], file: "stratum")
    }
}

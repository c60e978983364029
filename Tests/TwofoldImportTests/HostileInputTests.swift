import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Import files come from elsewhere: each hostile shape must give a clear error (file
/// level) or a failure (entry level), never a crash, a hang or a silent drop.
@Suite("Hostile and broken input")
struct HostileInputTests {
    /// An Aegis plain vault with the given entry `info` JSON (and type) next to a good entry.
    static func aegis(type: String = "totp", info: String) -> Data {
        Data("""
        {"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 1, "entries": [
          {"type": "totp", "name": "good", "issuer": "Ok", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30}},
          {"type": "\(type)", "name": "bad", "issuer": "Evil", "info": \(info)}
        ]}}
        """.utf8)
    }

    static func oneFailure(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try Importer.read(data, format: .aegis)
        #expect(result.tokens.count == 1, "the good entry is still read", sourceLocation: sourceLocation)
        #expect(result.failures.count == 1, sourceLocation: sourceLocation)
        #expect(result.failures.first?.entry.index == 1, sourceLocation: sourceLocation)
        #expect(result.failures.first?.entry.label == "Evil:bad", sourceLocation: sourceLocation)
        return result.failures.first?.reason ?? ""
    }

    @Test("100 MB of input is refused before parsing")
    func hugeInput() {
        let data = Data(count: 100 << 20)
        #expect(throws: ImportError.tooLarge(bytes: 100 << 20, limit: ImportLimits.maxFileBytes)) {
            try Importer.read(data)
        }
        #expect(ImportFormat.detect(data) == nil)
    }

    @Test("absurd numbers fail their entry with a clear reason")
    func absurdNumbers() throws {
        let base = #""secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1""#
        #expect(try Self.oneFailure(Self.aegis(info: "{\(base), \"digits\": 1000, \"period\": 30}"))
            .contains("digits 1000"))
        #expect(try Self.oneFailure(Self.aegis(info: "{\(base), \"digits\": 6, \"period\": -5}"))
            .contains("period -5"))
        #expect(try Self.oneFailure(Self.aegis(info: "{\(base), \"digits\": 6, \"period\": 1e300}"))
            .contains("whole number"))
        #expect(try Self.oneFailure(Self.aegis(type: "hotp", info: "{\(base), \"digits\": 6, \"counter\": 18446744073709551616}"))
            .contains("0 to 2^64-1"))
        #expect(try Self.oneFailure(Self.aegis(type: "hotp", info: "{\(base), \"digits\": 6, \"counter\": -1}"))
            .contains("0 to 2^64-1"))
        #expect(try Self.oneFailure(Self.aegis(info: "{\(base), \"digits\": 99999999999999999999, \"period\": 30}"))
            .contains("digits"))
        let max = try Importer.read(Self.aegis(type: "hotp", info: "{\(base), \"digits\": 6, \"counter\": 18446744073709551615}"))
        #expect(max.tokens.last?.token.counter == UInt64.max)
    }

    @Test("wrong JSON types fail their entry, naming the field")
    func wrongTypes() throws {
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": "JBSWY3DPEHPK3PXP", "digits": "6"}"#))
            == "field 'info.digits' should be a number, found a string")
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": 123}"#))
            == "field 'info.secret' should be a string, found a number")
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": "JBSWY3DPEHPK3PXP", "digits": true}"#))
            == "field 'info.digits' should be a number, found a boolean")
        #expect(try Self.oneFailure(Self.aegis(info: "[]")) == "field 'info' should be an object, found an array")
        #expect(try Self.oneFailure(Self.aegis(type: "yandex", info: #"{"secret": "JBSWY3DPEHPK3PXP"}"#))
            .contains("not supported"))
        let notArray = Data(#"{"version": 1, "header": {"slots": null}, "db": {"version": 1, "entries": {}}}"#.utf8)
        #expect(throws: ImportError.malformed(.aegis, reason: "field 'db.entries' should be an array, found an object")) {
            try Importer.read(notArray, format: .aegis)
        }
    }

    @Test("invalid Base32 fails its entry")
    func invalidBase32() throws {
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": "JBSWY3DP!HPK3PXP", "digits": 6}"#))
            .contains("'!'"))
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": "A", "digits": 6}"#)).contains("Base32"))
        #expect(try Self.oneFailure(Self.aegis(info: #"{"secret": "", "digits": 6}"#)).contains("secret"))
        let text = "otpauth://totp/X:y?secret=NOT*BASE32\notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n"
        let result = try Importer.read(Data(text.utf8))
        #expect(result.tokens.count == 1)
        #expect(result.failures.map(\.entry.line) == [1])
        #expect(result.failures.first?.entry.label == "X:y")
    }

    @Test("deep nesting is refused before Foundation's recursive parser sees it")
    func deepNesting() {
        let deep = Data((String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)).utf8)
        #expect(throws: ImportError.nestingTooDeep(limit: ImportLimits.maxJSONDepth)) {
            try Importer.read(deep, format: .andotp)
        }
        #expect(ImportFormat.detect(deep) == nil)
        let inner = String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100)
        let vault = Self.aegis(info: inner)
        #expect(throws: ImportError.nestingTooDeep(limit: ImportLimits.maxJSONDepth)) {
            try Importer.read(vault, format: .aegis)
        }
        // Brackets inside strings do not count.
        let quoted = Self.aegis(info: "{\"secret\": \"\(String(repeating: "[", count: 500))\"}")
        #expect(throws: Never.self) { try Importer.read(quoted, format: .aegis) }
    }

    @Test("non-UTF-8 text is refused")
    func notUTF8() {
        let bytes = Data([0x6F, 0x74, 0x70, 0xFF, 0xFE, 0x0A])
        #expect(throws: ImportError.malformed(.otpauth, reason: "not UTF-8 text")) {
            try Importer.read(bytes, format: .otpauth)
        }
        #expect(throws: ImportError.malformed(.aegis, reason: "not UTF-8 text")) {
            try Importer.read(Data([0x7B, 0xC3, 0x28, 0x7D]), format: .aegis)
        }
    }

    @Test("truncated files give a clear error", arguments: FixtureCase.all)
    func truncated(_ fixture: FixtureCase) throws {
        let data = try Fixtures.data(fixture.file)
        for length in [0, 1, data.count / 3, data.count / 2, data.count - 2] {
            let cut = data.prefix(length)
            do {
                let result = try Importer.read(cut, format: fixture.format, password: fixture.password)
                // Only line formats can lose whole entries to a cut; every entry read is
                // either a token or a failure.
                #expect(result.tokens.count + result.failures.count <= fixture.expected.count)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        // JSON and encrypted files cut in half are refused as a whole.
        if ![ImportFormat.otpauth, .ente, .bitwarden].contains(fixture.format) {
            #expect(throws: ImportError.self) {
                try Importer.read(data.prefix(data.count / 2), format: fixture.format, password: fixture.password)
            }
        }
    }

    @Test("entry counts are capped")
    func tooManyEntries() {
        let entry = #"{"secret":"JBSWY3DPEHPK3PXP","issuer":"I","label":"L","digits":6,"type":"TOTP","algorithm":"SHA1","period":30}"#
        let array = "[" + Array(repeating: entry, count: ImportLimits.maxEntries + 1).joined(separator: ",") + "]"
        #expect(throws: ImportError.tooManyEntries(limit: ImportLimits.maxEntries)) {
            try Importer.read(Data(array.utf8))
        }
    }

    @Test("unknown versions are refused")
    func versions() {
        let aegis = Data(#"{"version": 2, "header": {}, "db": {}}"#.utf8)
        #expect(throws: ImportError.unsupportedVersion(.aegis, version: "2")) { try Importer.read(aegis) }
        let content = Data(#"{"version": 1, "header": {"slots": null}, "db": {"version": 4, "entries": []}}"#.utf8)
        #expect(throws: ImportError.unsupportedVersion(.aegis, version: "content 4")) { try Importer.read(content) }
        let twofas = Data(#"{"schemaVersion": 5, "services": []}"#.utf8)
        #expect(throws: ImportError.unsupportedVersion(.twofas, version: "5")) { try Importer.read(twofas) }
    }

    @Test("unrecognised and mismatched files")
    func unrecognised() {
        #expect(throws: ImportError.unrecognizedFormat) { try Importer.read(Data("hello world\n".utf8)) }
        #expect(throws: ImportError.unrecognizedFormat) { try Importer.read(Data(#"{"hello": 1}"#.utf8)) }
        #expect(throws: ImportError.unrecognizedFormat) { try Importer.read(Data()) }
        #expect(throws: ImportError.malformed(.aegis, reason: "not valid JSON")) {
            try Importer.read(Data("otpauth://totp/a?secret=AAAA".utf8), format: .aegis)
        }
        #expect(throws: ImportError.self) { try Importer.read(Data(#"[1, 2]"#.utf8), format: .twofas) }
    }

    @Test("a CSV quote left open is refused")
    func unterminatedCSV() {
        let csv = "name,login_totp\n\"Test,otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n"
        #expect(throws: ImportError.malformed(.bitwarden, reason: "a quoted field starting on line 2 is never closed")) {
            try Importer.read(Data(csv.utf8), format: .bitwarden)
        }
    }

    @Test("every error message is one line")
    func oneLineMessages() {
        let errors: [ImportError] = [
            .tooLarge(bytes: 1, limit: 2), .unrecognizedFormat, .malformed(.aegis, reason: "x"),
            .tooManyEntries(limit: 3), .nestingTooDeep(limit: 4), .unsupportedVersion(.twofas, version: "9"),
            .passwordRequired(.andotp), .wrongPassword(.aegis), .keyDerivationTooCostly(.aegis, detail: "N"),
            .unsupportedEncryption(.ente, detail: "x"),
            .exportOmissions([ExportOmission(index: 0, label: "a", reason: "b")]), .exportEncryptionUnsupported(.google),
            .exportFailed(reason: "x"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(":"), "says what to do after a colon: \(error)")
        }
    }
}

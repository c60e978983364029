import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Hostile KeePass XML: the reader has no DTD support, so external entities (XXE) and
/// entity expansion (billion laughs) are refused, never resolved (README, "Import and
/// export": why Twofold does not use FoundationXML here).
@Suite("KeePass XML hostile input")
struct KeePassXMLHostileTests {
    static func entry(_ title: String, otp: String) -> String {
        "<Entry><String><Key>Title</Key><Value>\(title)</Value></String><String><Key>otp</Key><Value>\(otp)</Value></String></Entry>"
    }

    static func file(_ body: String, prolog: String = "") -> Data {
        Data("<?xml version=\"1.0\"?>\(prolog)<KeePassFile><Root><Group>\(body)</Group></Root></KeePassFile>".utf8)
    }

    static func reason(_ data: Data) -> String? {
        do {
            _ = try Importer.read(data, format: .keepassXML)
            return nil
        } catch {
            guard case .malformed(.keepassXML, let reason) = error else { return "\(error)" }
            return reason
        }
    }

    @Test("an external entity is refused, and the file it names is never read")
    func xxe() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-xxe-\(UUID().uuidString)")
        try Data("otpauth://totp/Leak?secret=JBSWY3DPEHPK3PXP".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let data = Self.file(Self.entry("X", otp: "&leak;"), prolog: "<!DOCTYPE KeePassFile [<!ENTITY leak SYSTEM \"file://\(secret.path)\">]>")
        #expect(Self.reason(data)?.contains("document type") == true)
        let undeclared = Self.file(Self.entry("X", otp: "&leak;"))
        #expect(Self.reason(undeclared)?.contains("undefined entity") == true)
    }

    @Test("billion laughs is refused before any expansion")
    func billionLaughs() {
        var prolog = "<!DOCTYPE KeePassFile [<!ENTITY lol \"lol\">"
        for i in 1...9 { prolog += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">" }
        prolog += "]>"
        #expect(Self.reason(Self.file(Self.entry("X", otp: "&lol9;"), prolog: prolog))?.contains("document type") == true)
    }

    @Test("deep nesting, unclosed and mismatched tags are one clear error")
    func structure() {
        let deep = String(repeating: "<Group>", count: 10_000)
        #expect(Self.reason(Self.file(deep))?.contains("nested") == true)
        #expect(Self.reason(Data("<KeePassFile><Root>".utf8))?.contains("unterminated") == true)
        #expect(Self.reason(Data("<KeePassFile></Root>".utf8))?.contains("closes") == true)
        #expect(Self.reason(Data("<Other/>".utf8))?.contains("KeePassFile") == true)
    }

    @Test("a bad otp fails its entry; entries without one are counted, not failed")
    func entries() throws {
        let body = Self.entry("Good", otp: "otpauth://totp/?secret=JBSWY3DPEHPK3PXP")
            + Self.entry("Bad", otp: "otpauth://totp/?secret=not*base32")
            + "<Entry><String><Key>Title</Key><Value>Password only</Value></String></Entry>"
            + "<Group><Entry><String><Key>Title</Key><Value>Nested &amp; &#x65E5;</Value></String><String><Key>TOTP Seed</Key><Value>JBSWY3DPEHPK3PXP</Value></String><String><Key>TOTP Settings</Key><Value>30;S</Value></String></Entry></Group>"
        let result = try Importer.read(Self.file(body))
        #expect(result.format == .keepassXML)
        #expect(result.tokens.map(\.token.issuer) == ["Good", "Nested & 日"])
        #expect(result.tokens.last?.token.kind == .steam)
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.entry.label == "Bad")
        #expect(result.withoutToken == 1)
    }

    @Test("entries past the limit are refused")
    func tooMany() {
        let body = String(repeating: Self.entry("E", otp: "otpauth://totp/?secret=JBSWY3DPEHPK3PXP"), count: ImportLimits.maxEntries + 1)
        #expect(throws: ImportError.tooManyEntries(limit: ImportLimits.maxEntries)) { try Importer.read(Self.file(body)) }
    }
}

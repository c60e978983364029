import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Files written by the real KeePassXC (`keepassxc-cli` 2.7.4, Debian bookworm), made
/// during the test from a KeePass XML with fresh random secrets, and Twofold's otpauth
/// export read back by KeePassXC. Codes are checked at fixed times against oathtool and,
/// for Steam, against `keepassxc-cli show --totp`.
@Suite("KeePassXC CSV interop (real keepassxc-cli)",
    .enabled(if: ExternalTool.installed("keepassxc-cli", "oathtool"), "keepassxc-cli or oathtool is not installed (scripts/install-deps)"))
struct KeePassXCCSVInteropTests {
    static let password = "correct horse ☃"
    static let times: [Int64] = [59, 1_111_111_109, 1_234_567_890, 2_000_000_000, 20_000_000_000]

    /// One KeePass entry: its place, names, the TOTP attributes, and the token Twofold should read.
    struct Entry {
        var group: String?
        var title: String
        var username: String
        var attributes: [(String, String)]
        var expected: OTPToken?
    }

    static func randomSecret(_ count: Int = 20) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255) }
    }

    static func entries() -> [Entry] {
        let corp = randomSecret(), unicode = randomSecret(32), sha512 = randomSecret(64)
        let steam = randomSecret(), steamLegacy = randomSecret(), legacy = randomSecret(16)
        func b32(_ s: [UInt8]) -> String { Base32.encode(s) }
        return [
            // The issuer holds a colon and the separator is written %3A (issue 19).
            Entry(title: "Corp: Inc", username: "ops@corp.example",
                attributes: [("otp", "otpauth://totp/Corp%3A%20Inc%3Aops%40corp.example?secret=\(b32(corp))&issuer=Corp%3A%20Inc")],
                expected: OTPToken(kind: .totp, secret: corp, issuer: "Corp: Inc", account: "ops@corp.example")),
            Entry(group: "Wörk", title: "Ünïcødé 日本", username: "名前@example.com",
                attributes: [("otp", "otpauth://totp/x:y?secret=\(b32(unicode))&algorithm=SHA256&digits=8&period=60")],
                expected: OTPToken(kind: .totp, secret: unicode, issuer: "Ünïcødé 日本", account: "名前@example.com",
                    algorithm: .sha256, digits: 8, period: 60, tags: ["Wörk"])),
            Entry(title: "Big, \"quoted\" & <xml>", username: "dave",
                attributes: [("otp", "otpauth://totp/a:b?secret=\(b32(sha512))&algorithm=SHA512&digits=7&period=45")],
                expected: OTPToken(kind: .totp, secret: sha512, issuer: "Big, \"quoted\" & <xml>", account: "dave",
                    algorithm: .sha512, digits: 7, period: 45)),
            Entry(title: "Steam", username: "gaben",
                attributes: [("otp", "otpauth://totp/Steam:gaben?secret=\(b32(steam))&period=30&digits=5&issuer=Steam&encoder=steam")],
                expected: OTPToken(kind: .steam, secret: steam, issuer: "Steam", account: "gaben")),
            // KeePassXC's older attributes.
            Entry(title: "Steam legacy", username: "valve",
                attributes: [("TOTP Seed", b32(steamLegacy)), ("TOTP Settings", "30;S")],
                expected: OTPToken(kind: .steam, secret: steamLegacy, issuer: "Steam legacy", account: "valve")),
            Entry(title: "Legacy: Old Corp", username: "bob",
                attributes: [("TOTP Seed", b32(legacy)), ("TOTP Settings", "60;8")],
                expected: OTPToken(kind: .totp, secret: legacy, issuer: "Legacy: Old Corp", account: "bob", digits: 8, period: 60)),
            Entry(title: "Mail password", username: "carol", attributes: [("Password", "hunter2")], expected: nil),
        ]
    }

    /// A KeePass 2 XML document holding `entries` (root group "Root", subgroups by name).
    static func xml(_ entries: [Entry]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func uuid() -> String { Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }
        func entryXML(_ entry: Entry) -> String {
            let strings = [("Title", entry.title), ("UserName", entry.username)] + entry.attributes
            return "<Entry><UUID>\(uuid())</UUID>"
                + strings.map { "<String><Key>\(escape($0.0))</Key><Value>\(escape($0.1))</Value></String>" }.joined()
                + "</Entry>\n"
        }
        let root = entries.filter { $0.group == nil }.map(entryXML).joined()
        let groups = Dictionary(grouping: entries.filter { $0.group != nil }, by: { $0.group! })
            .map { "<Group><UUID>\(uuid())</UUID><Name>\(escape($0.key))</Name>\($0.value.map(entryXML).joined())</Group>" }
            .joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <KeePassFile><Meta><Generator>TwofoldTests</Generator><DatabaseName>interop</DatabaseName></Meta>
            <Root><Group><UUID>\(uuid())</UUID><Name>Root</Name>
            \(root)\(groups)</Group></Root></KeePassFile>
            """
    }

    /// A KDBX made by `keepassxc-cli import` from `entries`, in a fresh directory.
    static func database(_ entries: [Entry]) throws -> (kdbx: URL, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-keepassxc-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("source.xml")
        let kdbx = directory.appendingPathComponent("db.kdbx")
        try Data(xml(entries).utf8).write(to: source)
        try cli.run(["import", "-q", "-p", source.path, kdbx.path], input: "\(password)\n\(password)\n")
        return (kdbx, directory)
    }

    static let cli = ExternalTool("keepassxc-cli")!

    /// KeePassXC's current code for an entry; nil when it shows none.
    static func keepassCode(_ kdbx: URL, _ path: String) throws -> String {
        try cli.run(["show", "-q", "--totp", kdbx.path, path], input: "\(password)\n").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `token`'s code now agrees with KeePassXC's; the code is read before and after the
    /// call so a time step ending during it cannot fail the test.
    static func expectSameCodeNow(_ token: OTPToken, _ kdbx: URL, _ path: String) throws {
        let before = token.code(atUnixTime: Int64(Date().timeIntervalSince1970))
        let theirs = try keepassCode(kdbx, path)
        let after = token.code(atUnixTime: Int64(Date().timeIntervalSince1970))
        #expect(theirs == before || theirs == after, "\(path): KeePassXC \(theirs), Twofold \(before)/\(after)")
    }

    @Test("keepassxc-cli export --format csv: every field, and codes against oathtool and KeePassXC")
    func csvExport() throws {
        let entries = Self.entries()
        let (kdbx, directory) = try Self.database(entries)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = try Self.cli.run(["export", "-q", "--format", "csv", kdbx.path], input: "\(Self.password)\n").stdout
        let data = Data(csv.utf8)

        #expect(ImportFormat.detect(data) == .keepass)
        let result = try Importer.read(data)
        #expect(result.failures.isEmpty, "\(result.failures)")
        #expect(result.withoutToken == 1, "the password entry is counted, not read")
        let expected = entries.compactMap(\.expected)
        let read = result.tokens.map(\.token)
        try #require(read.count == expected.count, "\(read)")
        for want in expected {
            let got = try #require(read.first { $0.secret == want.secret }, "\(want.issuer) was not imported")
            #expect(got.kind == want.kind, "\(want.issuer)")
            #expect(got.issuer == want.issuer)
            #expect(got.account == want.account, "\(want.issuer)")
            #expect(got.algorithm == want.algorithm, "\(want.issuer)")
            #expect(got.digits == want.digits, "\(want.issuer)")
            #expect(got.period == want.period, "\(want.issuer)")
            #expect(got.tags == want.tags, "\(want.issuer)")
            if got.kind == .totp {
                for time in Self.times {
                    #expect(got.code(atUnixTime: time) == (try ExternalTool.oathtoolCode(want, at: time)), "\(want.issuer) at \(time)")
                }
            }
        }
        // KeePassXC computes the same Steam codes (oathtool has no Steam).
        for entry in entries where entry.expected?.kind == .steam {
            let got = try #require(read.first { $0.secret == entry.expected?.secret })
            try Self.expectSameCodeNow(got, kdbx, entry.title)
        }
    }

    @Test("Twofold's otpauth export, put into a KDBX, gives KeePassXC's codes", arguments: SteamURIForm.allCases)
    func exportReadByKeePassXC(steam: SteamURIForm) throws {
        let tokens = [
            OTPToken(kind: .totp, secret: Self.randomSecret(), issuer: "Corp: Inc", account: "ops@corp.example"),
            OTPToken(kind: .totp, secret: Self.randomSecret(32), issuer: "Ünïcødé", account: "名前",
                algorithm: .sha256, digits: 8, period: 60),
            OTPToken(kind: .totp, secret: Self.randomSecret(64), issuer: "Big", account: "x", algorithm: .sha512, digits: 7, period: 15),
            OTPToken(kind: .steam, secret: Self.randomSecret(), issuer: "Steam", account: "gaben"),
        ]
        let export = try Exporter.write(tokens, format: .otpauth, steam: steam)
        let lines = String(decoding: export.data, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == tokens.count)
        let entries = lines.enumerated().map { index, uri in
            Entry(title: "T\(index)", username: "u", attributes: [("otp", uri)], expected: nil)
        }
        let (kdbx, directory) = try Self.database(entries)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, token) in tokens.enumerated() {
            if token.kind == .steam && steam == .type {
                // KeePassXC knows Steam only as encoder=steam: it reads otpauth://steam/ as a
                // plain 5-digit TOTP, which is why `--steam-as encoder` exists.
                let theirs = try Self.keepassCode(kdbx, "T\(index)")
                let digitsOnly = theirs.count == 5 && theirs.allSatisfy { $0.isASCII && $0.isNumber }
                #expect(digitsOnly, "KeePassXC shows \(theirs) for otpauth://steam/")
                continue
            }
            try Self.expectSameCodeNow(token, kdbx, "T\(index)")
        }
    }
}

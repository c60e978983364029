import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// Files written by the real `keepassxc-cli` 2.7.4 during the test, from a KeePass XML
/// with fresh random secrets: `keepassxc-cli import` turns it into a KDBX 4 database
/// (AES-KDF, AES-256; a CustomData item makes KeePassXC write KDBX 4 rather than 3.1) and
/// `keepassxc-cli export` writes it back as XML. Twofold reads both; every field and the
/// codes at fixed times are checked against the tokens made here and against oathtool.
///
/// keepassxc-cli 2.7.4 has no option for the KDF or cipher of a new database (it makes
/// AES-KDF with AES-256). For Argon2 and ChaCha20 an empty database with those settings
/// is made by an independent implementation (Perl's File::KDBX, Debian
/// `libfile-kdbx-perl`), and keepassxc-cli merges the entries into it and saves it:
/// the file Twofold opens is written by KeePassXC, with its own KDF and cipher code.
@Suite("KeePassXC interop",
    .enabled(if: ExternalTool.installed("keepassxc-cli", "oathtool"), "keepassxc-cli or oathtool is not installed (scripts/install-deps)"))
struct KeePassXCInteropTests {
    struct Made {
        var title: String
        var username: String
        var otp: String?
        var legacySettings: String?
        var token: OTPToken?
    }

    static func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    static func uriEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// The entries: every algorithm, 6 and 8 digits, periods 30 and 60, Steam, a
    /// unicode title, an issuer with a colon, a legacy `TOTP Seed`, two without a token.
    static func entries() -> [Made] {
        var made: [Made] = []
        let cases: [(String, String, OTPAlgorithm, Int, Int)] = [
            ("GitHub", "alice@example.com", .sha1, 6, 30),
            ("Ünïcødé 日本語", "ユーザー", .sha256, 8, 60),
            ("Acme: Corp", "bob", .sha512, 6, 30),
            ("Example", "carol", .sha512, 8, 60),
        ]
        for (title, user, algorithm, digits, period) in cases {
            let secret = random(20 + made.count)
            let token = OTPToken(kind: .totp, secret: secret, issuer: title, account: user,
                                 algorithm: algorithm, digits: digits, period: period)
            let uri = "otpauth://totp/\(uriEscaped(title)):\(uriEscaped(user))?secret=\(Base32.encode(secret))"
                + "&period=\(period)&digits=\(digits)&algorithm=\(algorithm.rawValue)&issuer=\(uriEscaped(title))"
            made.append(Made(title: title, username: user, otp: uri, token: token))
        }
        let steam = random(20)
        made.append(Made(
            title: "Steam", username: "gamer",
            otp: "otpauth://totp/Steam:gamer?secret=\(Base32.encode(steam))&period=30&digits=5&issuer=Steam&encoder=steam",
            token: OTPToken(kind: .steam, secret: steam, issuer: "Steam", account: "gamer")))
        let legacy = random(16)
        made.append(Made(
            title: "Legacy", username: "dave", otp: Base32.encode(legacy), legacySettings: "60;8",
            token: OTPToken(kind: .totp, secret: legacy, issuer: "Legacy", account: "dave", digits: 8, period: 60)))
        made.append(Made(title: "Mail password", username: "erin"))
        made.append(Made(title: "Bank <&> \"quoted\"", username: "frank"))
        return made
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func xml(_ entries: [Made]) -> String {
        func string(_ key: String, _ value: String) -> String {
            "<String><Key>\(escaped(key))</Key><Value>\(escaped(value))</Value></String>"
        }
        var body = ""
        for (i, entry) in entries.enumerated() {
            let uuid = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            var fields = string("Title", entry.title) + string("UserName", entry.username) + string("Password", "pw\(i)")
            if let settings = entry.legacySettings, let seed = entry.otp {
                fields += string("TOTP Seed", seed) + string("TOTP Settings", settings)
            } else if let otp = entry.otp {
                fields += string("otp", otp)
            }
            // KeePassXC writes KDBX 4 (not 3.1) when an entry has custom data.
            let custom = i == 0 ? "<CustomData><Item><Key>twofold</Key><Value>kdbx4</Value></Item></CustomData>" : ""
            body += "<Entry><UUID>\(uuid)</UUID>\(fields)\(custom)</Entry>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <KeePassFile><Meta><Generator>Twofold test</Generator></Meta><Root><Group>\
            <UUID>\(Data(random(16)).base64EncodedString())</UUID><Name>Root</Name>\(body)</Group></Root></KeePassFile>
            """
    }

    /// keepassxc-cli with Qt's offscreen platform (it needs no display).
    static let cli = ExternalTool("keepassxc-cli", environment: ["QT_QPA_PLATFORM": "offscreen"])!

    /// Writes the XML, makes the KDBX with keepassxc-cli and exports it back.
    static func make(password: String) throws -> (entries: [Made], kdbx: Data, exported: Data) {
        let entries = entries()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-kpx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let xmlPath = dir.appendingPathComponent("in.xml").path
        let dbPath = dir.appendingPathComponent("db.kdbx").path
        try Data(xml(entries).utf8).write(to: URL(fileURLWithPath: xmlPath))
        try cli.run(["import", "-q", "-p", "-t", "100", xmlPath, dbPath], input: "\(password)\n\(password)\n")
        let exported = try cli.run(["export", "-q", "--format", "xml", dbPath], input: "\(password)\n").stdout
        return (entries, try Data(contentsOf: URL(fileURLWithPath: dbPath)), Data(exported.utf8))
    }

    static func check(_ result: ImportResult, _ entries: [Made], file: String) throws {
        let expected = entries.compactMap(\.token)
        expectTokens(result, expected, file: file)
        #expect(result.withoutToken == entries.count - expected.count, "\(file): entries without a token")
        for got in result.tokens.map(\.token) where got.kind == .totp {
            for time in [0, 1_111_111_109, 1_234_567_890, 2_000_000_000] {
                #expect(got.code(atUnixTime: Int64(time)) == (try ExternalTool.oathtoolCode(got, at: Int64(time))), "\(file) \(got.label) at \(time)")
            }
        }
    }

    @Test("a KDBX 4 database and its XML export, both written by keepassxc-cli")
    func kdbxAndExport() throws {
        let password = "correct horse \(UInt32.random(in: 0...UInt32.max)) ünï"
        let (entries, kdbx, exported) = try Self.make(password: password)
        #expect(Array(kdbx.prefix(12)) == KDBXHeader.signature + [0, 0, 4, 0], "keepassxc-cli wrote KDBX 4.0")
        #expect(ImportFormat.detect(kdbx) == .kdbx)
        #expect(ImportFormat.detect(exported) == .keepassXML)
        try Self.check(try Importer.read(kdbx, password: password), entries, file: "db.kdbx")
        try Self.check(try Importer.read(exported), entries, file: "export.xml")
        #expect(throws: ImportError.wrongPassword(.kdbx)) { try Importer.read(kdbx, password: password + "x") }
        #expect(throws: ImportError.passwordRequired(.kdbx)) { try Importer.read(kdbx) }
    }

    @Test("the Steam code agrees with keepassxc-cli show --totp")
    func steamAgainstKeePassXC() throws {
        let password = "pw"
        let entries = Self.entries()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-kpx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let xmlPath = dir.appendingPathComponent("in.xml").path, dbPath = dir.appendingPathComponent("db.kdbx").path
        try Data(Self.xml(entries).utf8).write(to: URL(fileURLWithPath: xmlPath))
        try Self.cli.run(["import", "-q", "-p", "-t", "100", xmlPath, dbPath], input: "pw\npw\n")
        let result = try Importer.read(Data(contentsOf: URL(fileURLWithPath: dbPath)), password: password)
        for title in ["Steam", "Acme: Corp", "Legacy"] {
            let token = try #require(result.tokens.first { $0.token.issuer == title }?.token)
            // Retry across a period boundary: keepassxc-cli uses the clock when it runs.
            var agreed = false
            for _ in 0..<3 where !agreed {
                let before = Int64(Date().timeIntervalSince1970)
                let theirs = try Self.cli.run(["show", "-q", "-t", dbPath, title], input: "pw\n").stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let after = Int64(Date().timeIntervalSince1970)
                guard token.timeStep(atUnixTime: before) == token.timeStep(atUnixTime: after) else { continue }
                #expect(theirs == token.code(atUnixTime: before), "\(title)")
                agreed = true
            }
            #expect(agreed)
        }
    }

    /// Writes an empty KDBX 4 with the given KDF and cipher, using File::KDBX.
    static let fileKDBXScript = #"""
        use strict; use warnings;
        use File::KDBX; use File::KDBX::Constants qw(:all); use Crypt::PRNG qw(random_bytes); use Encode;
        my ($out, $kdf, $cipher) = @ARGV;
        my $password = decode('UTF-8', scalar <STDIN>); chomp $password;
        my $db = File::KDBX->new;
        $db->cipher_id($cipher eq 'chacha20' ? CIPHER_UUID_CHACHA20 : CIPHER_UUID_AES256);
        $db->kdf_parameters({
            KDF_PARAM_UUID() => ($kdf eq 'argon2id' ? KDF_UUID_ARGON2ID : KDF_UUID_ARGON2D),
            KDF_PARAM_ARGON2_SALT() => random_bytes(32), KDF_PARAM_ARGON2_PARALLELISM() => 2,
            KDF_PARAM_ARGON2_MEMORY() => 8 * 1024 * 1024, KDF_PARAM_ARGON2_ITERATIONS() => 3,
            KDF_PARAM_ARGON2_VERSION() => 0x13 });
        $db->dump_file($out, $password);
        """#

    @Test("a KDBX 4 database with Argon2 and ChaCha20 or AES-256, saved by keepassxc-cli",
        .enabled(if: ExternalTool.installed("perl") && (try? ExternalTool("perl")!.run(["-MFile::KDBX", "-e1"])) != nil,
            "Perl's File::KDBX is not installed (scripts/install-deps: libfile-kdbx-perl)"),
        arguments: [("argon2id", "chacha20", "Argon2id", "ChaCha20"), ("argon2d", "aes256", "Argon2d", "AES 256")])
    func argon2Database(kdf: String, cipher: String, kdfName: String, cipherName: String) throws {
        let password = "tränen \(UInt32.random(in: 0...UInt32.max))"
        let entries = Self.entries()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-kpx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let xmlPath = dir.appendingPathComponent("in.xml").path
        let sourcePath = dir.appendingPathComponent("source.kdbx").path
        let targetPath = dir.appendingPathComponent("target.kdbx").path
        try Data(Self.xml(entries).utf8).write(to: URL(fileURLWithPath: xmlPath))
        try Self.cli.run(["import", "-q", "-p", "-t", "100", xmlPath, sourcePath], input: "\(password)\n\(password)\n")
        let perl = try #require(ExternalTool("perl"))
        try perl.run(["-e", Self.fileKDBXScript, targetPath, kdf, cipher], input: "\(password)\n")
        let empty = try Data(contentsOf: URL(fileURLWithPath: targetPath))
        try Self.cli.run(["merge", "-q", "-s", targetPath, sourcePath], input: "\(password)\n")
        let kdbx = try Data(contentsOf: URL(fileURLWithPath: targetPath))
        #expect(kdbx != empty, "keepassxc-cli saved the merged database")

        // KeePassXC itself says which KDF and cipher the saved file has.
        let info = try Self.cli.run(["db-info", "-q", targetPath], input: "\(password)\n").stdout
        #expect(info.contains("KDF: \(kdfName)"), "\(info)")
        #expect(info.contains("Cipher: \(cipherName)"), "\(info)")
        #expect(Array(kdbx.prefix(12)) == KDBXHeader.signature + [0, 0, 4, 0], "KDBX 4.0")

        try Self.check(try Importer.read(kdbx, password: password), entries, file: "\(kdf)-\(cipher).kdbx")
        #expect(throws: ImportError.wrongPassword(.kdbx)) { try Importer.read(kdbx, password: "wrong") }
    }
}

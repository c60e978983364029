import Crypto
import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

/// The committed keepassxc-cli files (Tests/Fixtures/import/README.md), read without
/// keepassxc installed, and hostile variations of them.
@Suite("KeePass XML and KDBX files")
struct KeePassFixtureTests {
    static let password = "twofold-fixture"

    /// Tests/Fixtures/keepass (not the shared import fixtures, whose table it is not in).
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/keepass/\(name)"))
    }

    static let expected: [OTPToken] = [
        OTPToken(kind: .totp, secret: try! Base32.decode("JBSWY3DPEHPK3PXP"), issuer: "GitHub", account: "alice@example.com"),
        OTPToken(kind: .totp, secret: try! Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), issuer: "Ünïcødé: 日本",
                 account: "bob", algorithm: .sha256, digits: 8, period: 60),
        OTPToken(kind: .steam, secret: try! Base32.decode("STEAMSTEAMSTEAM2"), issuer: "Steam", account: "gamer"),
    ]

    @Test("the KDBX 4 databases and the XML export give the same tokens",
        arguments: ["keepassxc.kdbx", "keepassxc_argon2id_chacha20.kdbx", "keepassxc_export.xml", "keepassxc_source.xml"])
    func fixtures(_ file: String) throws {
        let result = try Importer.read(Self.data(file), password: Self.password)
        #expect(result.format == (file.hasSuffix(".kdbx") ? .kdbx : .keepassXML))
        expectTokens(result, Self.expected, file: file)
        #expect(result.withoutToken == 1)
        let github = try #require(result.tokens.first?.token)
        #expect(github.code(atUnixTime: 1_234_567_890) == "742275")
        #expect(result.tokens[1].token.code(atUnixTime: 1_234_567_890) == "30246158")
    }

    @Test("a wrong password is one clear error; a missing one asks")
    func wrongPassword() throws {
        let data = try Self.data("keepassxc.kdbx")
        #expect(throws: ImportError.wrongPassword(.kdbx)) { try Importer.read(data, password: "not it") }
        #expect(throws: ImportError.passwordRequired(.kdbx)) { try Importer.read(data) }
    }

    @Test("KDBX 3.1 is refused with what to do")
    func kdbx31() throws {
        let data = try Self.data("keepassxc_kdbx31.kdbx")
        #expect(ImportFormat.detect(data) == .kdbx)
        do {
            _ = try Importer.read(data, password: Self.password)
            Issue.record("KDBX 3.1 was read")
        } catch {
            #expect(error.description.contains("3.1"))
            #expect(error.description.contains("keepassxc-cli export --format xml"))
        }
    }

    @Test("every flipped byte is refused, never imported", arguments: [9, 40, 120, 200, 300, 600, 1000, 1500, 1700])
    func flippedByte(_ offset: Int) throws {
        var bytes = [UInt8](try Self.data("keepassxc.kdbx"))
        #expect(offset < bytes.count)
        bytes[offset] ^= 0x01
        #expect(throws: ImportError.self) { try Importer.read(Data(bytes), format: .kdbx, password: Self.password) }
    }

    @Test("a damaged block is a damaged file, not a wrong password")
    func damagedBlock() throws {
        var bytes = [UInt8](try Self.data("keepassxc.kdbx"))
        bytes[bytes.count - 100] ^= 0x80
        do {
            _ = try Importer.read(Data(bytes), password: Self.password)
            Issue.record("a damaged file was read")
        } catch {
            guard case .malformed(.kdbx, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("damaged"))
        }
    }

    @Test("every truncation is refused", arguments: [0, 8, 12, 50, 150, 253, 400, 1000, 1782])
    func truncated(_ length: Int) throws {
        let data = try Self.data("keepassxc.kdbx").prefix(length)
        #expect(throws: ImportError.self) { try Importer.read(Data(data), format: .kdbx, password: Self.password) }
    }

    /// Rewrites the fixture's KDF parameters (the header hash is fixed up so the limit,
    /// not the checksum, is what refuses the file).
    @Test("absurd AES-KDF rounds are refused before any work")
    func absurdRounds() throws {
        var bytes = [UInt8](try Self.data("keepassxc.kdbx"))
        let key: [UInt8] = Array("R".utf8)
        // VariantMap item: type 0x05, key length 1, "R", value length 8, the rounds.
        let pattern: [UInt8] = [0x05, 1, 0, 0, 0] + key + [8, 0, 0, 0]
        let at = try #require(bytes.indices.first { bytes[$0...].starts(with: pattern) }) + pattern.count
        for i in 0..<8 { bytes[at + i] = 0xFF }
        let end = try KDBXHeader.parse(bytes).bytes.endIndex
        bytes.replaceSubrange(end..<(end + 32), with: Array(SHA256.hash(data: bytes[0..<end])))
        #expect(throws: ImportError.keyDerivationTooCostly(
            .kdbx, detail: "AES-KDF with \(UInt64.max) rounds; the limit is \(KDBXKey.maxAESRounds)")
        ) { try Importer.read(Data(bytes), password: Self.password) }
    }

    @Test("Argon2 costs beyond the limits are refused before any work")
    func absurdArgon2() {
        let kdf = KDBXHeader.KDF.argon2(
            id: false, salt: [UInt8](repeating: 1, count: 32), parallelism: 2, memory: 100 << 30,
            iterations: 2, version: 0x13, secret: [], associated: [])
        #expect(throws: ImportError.self) { try KDBXKey.transformed(password: "x", kdf: kdf) }
    }

    /// RFC 9106 §5.1 and §5.3: t=3, m=32 KiB, p=4, password 32×01, salt 16×02,
    /// secret 8×03, associated data 12×04.
    @Test("Argon2d and Argon2id (libargon2) give RFC 9106's test vectors")
    func argon2Vectors() throws {
        func run(_ id: Bool) throws -> String {
            try KDBXKey.argon2(
                [UInt8](repeating: 1, count: 32), id: id, salt: [UInt8](repeating: 2, count: 16), lanes: 4, kib: 32,
                iterations: 3, version: 0x13, secret: [UInt8](repeating: 3, count: 8),
                associated: [UInt8](repeating: 4, count: 12)
            ).map { String(format: "%02x", $0) }.joined()
        }
        #expect(try run(false) == "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb")
        #expect(try run(true) == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
    }

    /// RFC 8439 §2.4.2 (the outer ChaCha20 cipher: keystream from counter 0, so the
    /// vector's counter-1 ciphertext starts after 64 zero bytes).
    @Test("ChaCha20 (IETF) gives RFC 8439's test vector")
    func chacha20Vector() {
        let key = (0..<32).map { UInt8($0) }
        let nonce: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0]
        let message = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let out = ChaCha20.xor([UInt8](repeating: 0, count: 64) + message, key: key, nonce: nonce)
        #expect(out[64..<96].map { String(format: "%02x", $0) }.joined() == "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b")
        #expect(ChaCha20.xor(out, key: key, nonce: nonce) == [UInt8](repeating: 0, count: 64) + message)
    }
}

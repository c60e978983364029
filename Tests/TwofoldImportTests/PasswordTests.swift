import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

@Suite("Encrypted files and passwords")
struct PasswordTests {
    static let encrypted: [(String, ImportFormat)] = [
        ("aegis_encrypted.json", .aegis),
        ("andotp_encrypted.bin", .andotp),
        ("andotp_encrypted_old.bin", .andotp),
        ("2fas_authenticator_encrypted.2fas", .twofas),
        ("2fas_authenticator_encrypted_v3.2fas", .twofas),
        ("2fas_authenticator_encrypted_v4.2fas", .twofas),
    ]

    @Test("a wrong password is refused", arguments: encrypted)
    func wrongPassword(_ file: String, _ format: ImportFormat) throws {
        let data = try Fixtures.data(file)
        #expect(throws: ImportError.wrongPassword(format)) {
            try Importer.read(data, format: format, password: "not the password")
        }
    }

    @Test("an encrypted file without a password asks for one", arguments: encrypted)
    func passwordRequired(_ file: String, _ format: ImportFormat) throws {
        let data = try Fixtures.data(file)
        #expect(throws: ImportError.passwordRequired(format)) {
            try Importer.read(data, format: format, password: nil)
        }
    }

    @Test("the empty password is a password like any other")
    func emptyPassword() throws {
        let token = Vectors.token(1)
        let vault = try Exporter.write([token], format: .aegis, password: "").data
        #expect(throws: ImportError.wrongPassword(.aegis)) {
            try Importer.read(vault, format: .aegis, password: "x")
        }
        #expect(try Importer.read(vault, format: .aegis, password: "").tokens.map(\.token) == [token])
    }

    @Test("a password for a plain file is ignored")
    func passwordForPlainFile() throws {
        let result = try Importer.read(Fixtures.data("aegis_plain.json"), password: "unused")
        #expect(result.tokens.count == 7)
    }

    @Test("a tampered Aegis vault fails authentication")
    func tamperedAegis() throws {
        var text = try String(decoding: Fixtures.data("aegis_encrypted.json"), as: UTF8.self)
        // Flip one Base64 character of the ciphertext.
        let range = try #require(text.range(of: "\"db\": \"RtGf"))
        text.replaceSubrange(range, with: "\"db\": \"StGf")
        #expect(throws: ImportError.malformed(.aegis, reason: "the vault contents fail authentication (the file is damaged)")) {
            try Importer.read(Data(text.utf8), format: .aegis, password: "test")
        }
    }

    @Test("scrypt parameters beyond the limits are refused before any work")
    func scryptLimits() throws {
        var text = try String(decoding: Fixtures.data("aegis_encrypted.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"n\": 32768", with: "\"n\": 1099511627776")
        #expect {
            try Importer.read(Data(text.utf8), format: .aegis, password: "test")
        } throws: { error in
            guard case ImportError.keyDerivationTooCostly(.aegis, let detail) = error else { return false }
            return detail.contains("N=1099511627776")
        }
        let notPowerOfTwo = text.replacingOccurrences(of: "1099511627776", with: "32767")
        #expect(throws: ImportError.malformed(.aegis, reason: "scrypt N=32767 is not a power of two")) {
            try Importer.read(Data(notPowerOfTwo.utf8), format: .aegis, password: "test")
        }
    }

    @Test("PBKDF2 iteration counts beyond the limit are refused before any work")
    func pbkdf2Limit() throws {
        #expect {
            try KeyDerivation.pbkdf2(
                password: "test", salt: [1, 2, 3], iterations: 4_294_967_295, sha256: false, format: .twofas)
        } throws: { error in
            guard case ImportError.keyDerivationTooCostly(.twofas, let detail) = error else { return false }
            return detail.contains("4294967295")
        }
        // andOTP's header is ambiguous with its old format (a random nonce first): an
        // implausible count is refused as a wrong password, without running PBKDF2.
        var bytes = try [UInt8](Fixtures.data("andotp_encrypted.bin"))
        bytes.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let started = Date()
        #expect(throws: ImportError.wrongPassword(.andotp)) {
            try Importer.read(Data(bytes), format: .andotp, password: "test")
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("unsupported encryption is refused with advice")
    func unsupportedEncryption() throws {
        let bitwarden = Data(#"{"encrypted": true, "passwordProtected": true, "data": "x"}"#.utf8)
        #expect(ImportFormat.detect(bitwarden) == .bitwarden)
        #expect(throws: ImportError.self) { try Importer.read(bitwarden) }
        let ente = Data(#"{"version":1,"kdfParams":{},"encryptedData":"x","encryptionNonce":"y"}"#.utf8)
        #expect(ImportFormat.detect(ente) == .ente)
        #expect {
            try Importer.read(ente)
        } throws: { error in
            if case ImportError.unsupportedEncryption(.ente, _) = error { return true }
            return false
        }
        let raw = Data(#"{"version":1,"header":{"slots":[{"type":2}],"params":{}},"db":"AAAA"}"#.utf8)
        #expect {
            try Importer.read(raw, password: "x")
        } throws: { error in
            if case ImportError.unsupportedEncryption(.aegis, _) = error { return true }
            return false
        }
    }
}

import Foundation
import Testing
import TwofoldOTP

@testable import TwofoldImport

@Suite("Exports and round trips")
struct ExportRoundTripTests {
    /// All seven vector tokens, with tags and a note on some, and a tag shared by two.
    static let tokens: [OTPToken] = (1...7).map { number in
        Vectors.token(number) { token in
            if number == 1 { token.tags = ["work", "personal"]; token.note = "recovery codes in the safe" }
            if number == 4 { token.tags = ["work"] }
            if number == 7 { token.note = "line one\nline \"two\" ✓" }
        }
    }

    @Test("otpauth: import gives the same tokens, without tags and notes")
    func otpauth() throws {
        let export = try Exporter.write(Self.tokens, format: .otpauth)
        #expect(export.exportedCount == 7)
        #expect(ImportFormat.detect(export.data) == .otpauth)
        let result = try Importer.read(export.data)
        let plain = Self.tokens.map { token in
            var token = token
            token.tags = []
            token.note = ""
            return token
        }
        expectTokens(result, plain, file: "otpauth export")
    }

    @Test("aegis plain: import gives the same tokens, tags and notes included")
    func aegisPlain() throws {
        let export = try Exporter.write(Self.tokens, format: .aegis)
        #expect(ImportFormat.detect(export.data) == .aegis)
        expectTokens(try Importer.read(export.data), Self.tokens, file: "aegis export")
        let json = try #require(try JSONSerialization.jsonObject(with: export.data) as? [String: Any])
        let header = try #require(json["header"] as? [String: Any])
        #expect(header["slots"] is NSNull && header["params"] is NSNull)
        let db = try #require(json["db"] as? [String: Any])
        #expect(db["version"] as? Int == 3)
        #expect((db["groups"] as? [Any])?.count == 2)
    }

    @Test("aegis encrypted: import with the password gives the same tokens")
    func aegisEncrypted() throws {
        let export = try Exporter.write(Self.tokens, format: .aegis, password: "correct horse ✓")
        #expect(throws: ImportError.passwordRequired(.aegis)) { try Importer.read(export.data) }
        #expect(throws: ImportError.wrongPassword(.aegis)) { try Importer.read(export.data, password: "wrong") }
        expectTokens(try Importer.read(export.data, password: "correct horse ✓"), Self.tokens, file: "aegis encrypted")
    }

    @Test("google: import gives the same tokens over several batches")
    func google() throws {
        // 23 tokens: three URIs of 10, 10 and 3.
        let representable = Self.tokens.filter { GoogleMigrationExporter.unrepresentable($0) == nil }
        #expect(representable.count == 3, "rows 1, 4 and 6 fit Google's format")
        let many = (0..<23).map { index in
            var token = representable[index % representable.count]
            token.account += " \(index)"
            token.tags = []
            token.note = ""
            return token
        }
        let export = try Exporter.write(many, format: .google)
        let lines = String(decoding: export.data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        let result = try Importer.read(export.data)
        #expect(result.format == .google)
        #expect(result.tokens.map(\.token) == many)
        #expect(result.failures.isEmpty)

        let payloads = try lines.map { line in
            try GoogleMigrationTests.Payload(serializedBytes: GoogleMigrationFormat.payloadBytes(String(line)))
        }
        #expect(payloads.map(\.batchIndex) == [0, 1, 2])
        #expect(payloads.allSatisfy { $0.batchSize == 3 && $0.version == 1 && $0.batchID == payloads[0].batchID })
        #expect(payloads.map(\.otpParameters.count) == [10, 10, 3])
    }

    @Test("google: tokens it cannot hold are listed, never dropped silently")
    func googleOmissions() throws {
        #expect {
            try Exporter.write(Self.tokens, format: .google)
        } throws: { error in
            guard case ImportError.exportOmissions(let omitted) = error else { return false }
            // Rows 2 (20 s), 3 (50 s), 5 (7 digits) and 7 (Steam); 6 (8-digit HOTP) fits.
            return omitted.map(\.index) == [1, 2, 4, 6]
        }
        let export = try Exporter.write(Self.tokens, format: .google, allowOmissions: true)
        #expect(export.exportedCount == 3)
        #expect(export.omitted.map(\.label) == ["SPDX:James", "Airbnb:Elijah", "Air Canada:Benjamin", "Boeing:Sophia"])
        #expect(export.omitted[1].reason.contains("30-second"))
        #expect(export.omitted[2].reason.contains("6 or 8 digits"))
        #expect(export.omitted[3].reason.contains("Steam"))
        #expect(try Importer.read(export.data).tokens.map(\.token.secret) == [1, 4, 6].map { Vectors.token($0).secret })
    }

    @Test("a password for a format that cannot be encrypted is refused")
    func passwordRefused() {
        #expect(throws: ImportError.exportEncryptionUnsupported(.otpauth)) {
            try Exporter.write(Self.tokens, format: .otpauth, password: "secret")
        }
        #expect(throws: ImportError.exportEncryptionUnsupported(.google)) {
            try Exporter.write(Self.tokens, format: .google, password: "secret")
        }
    }

    @Test("invalid tokens are listed, not written")
    func invalidToken() throws {
        var broken = Vectors.token(1)
        broken.digits = 1000
        #expect {
            try Exporter.write([broken, Vectors.token(2)], format: .aegis)
        } throws: { error in
            guard case ImportError.exportOmissions(let omitted) = error else { return false }
            return omitted.map(\.index) == [0]
        }
    }
}

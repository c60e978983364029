import Foundation
import SwiftProtobuf
import Testing
import TwofoldOTP

@testable import TwofoldImport

@Suite("Google Authenticator migration URIs")
struct GoogleMigrationTests {
    typealias Payload = Twofold_GoogleMigration_MigrationPayload

    static func parameters(
        _ number: Int, name: String? = nil, type: Payload.OtpType? = nil, digits: Payload.DigitCount = .six
    ) -> Payload.OtpParameters {
        let token = Vectors.token(number)
        var parameters = Payload.OtpParameters()
        parameters.secret = Data(token.secret)
        parameters.name = name ?? token.account
        parameters.issuer = token.issuer
        parameters.algorithm = token.algorithm == .sha1 ? .sha1 : token.algorithm == .sha256 ? .sha256 : .sha512
        parameters.digits = digits
        parameters.type = type ?? (token.kind == .hotp ? .hotp : .totp)
        parameters.counter = Int64(token.counter)
        return parameters
    }

    static func uri(_ payload: Payload) throws -> String {
        let base64 = try Data(payload.serializedBytes() as [UInt8]).base64EncodedString()
        let escaped = base64.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "otpauth-migration://offline?data=\(escaped)"
    }

    static func payload(_ parameters: [Payload.OtpParameters], size: Int32 = 1, index: Int32 = 0, id: Int32 = 7) -> Payload {
        var payload = Payload()
        payload.version = 1
        payload.batchSize = size
        payload.batchIndex = index
        payload.batchID = id
        payload.otpParameters = parameters
        return payload
    }

    @Test("reads a payload built with swift-protobuf, over two batches")
    func readsBatches() throws {
        let first = Self.payload([Self.parameters(1), Self.parameters(4)], size: 2, index: 0)
        let second = Self.payload(
            [Self.parameters(6, name: "WWE:Mason", digits: .eight)], size: 2, index: 1)
        let text = try "# exported\n" + Self.uri(first) + "\n\n" + Self.uri(second) + "\n"
        #expect(ImportFormat.detect(Data(text.utf8)) == .google)
        let result = try Importer.read(Data(text.utf8))
        #expect(result.format == .google)
        expectTokens(result, [Vectors.token(1), Vectors.token(4), Vectors.token(6)], file: "google")
        #expect(result.tokens.map(\.entry.line) == [2, 2, 4])
    }

    @Test("splits Issuer:account names when there is no issuer field")
    func splitsName() throws {
        var parameters = Self.parameters(1, name: "Deno:Mason")
        parameters.issuer = ""
        let result = try Importer.read(Data(Self.uri(Self.payload([parameters])).utf8), format: .google)
        expectTokens(result, [Vectors.token(1)], file: "google")
    }

    @Test("a missing batch is a failure, not a silent loss")
    func missingBatch() throws {
        let first = Self.payload([Self.parameters(1)], size: 3, index: 0)
        let third = Self.payload([Self.parameters(4)], size: 3, index: 2)
        let text = try Self.uri(first) + "\n" + Self.uri(third) + "\n" + Self.uri(first)
        let result = try Importer.read(Data(text.utf8), format: .google)
        #expect(result.tokens.count == 2, "the repeated first QR code is read once")
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.reason.contains("QR code 2 of 3") == true)
    }

    @Test("entries Twofold cannot hold fail one by one")
    func entryFailures() throws {
        var md5 = Self.parameters(1)
        md5.algorithm = .md5
        let untyped = Self.parameters(3, type: .unspecified)
        var negative = Self.parameters(4)
        negative.counter = -1
        let text = try Self.uri(Self.payload([md5, Self.parameters(2), untyped, negative])) + "\nnot a uri\n"
        let result = try Importer.read(Data(text.utf8), format: .google)
        #expect(result.tokens.count == 1)
        #expect(result.failures.map(\.entry.index) == [0, 2, 3, 4])
        #expect(result.failures[0].reason.contains("MD5"))
        #expect(result.failures[3].entry.line == 2)
    }

    @Test("a newer payload version is refused")
    func newerVersion() throws {
        var payload = Self.payload([Self.parameters(1)])
        payload.version = 2
        #expect(throws: ImportError.unsupportedVersion(.google, version: "2")) {
            try Importer.read(Data(Self.uri(payload).utf8), format: .google)
        }
    }

    @Test("garbage Base64 and protobuf are entry failures")
    func garbage() throws {
        let text = "otpauth-migration://offline?data=%%%\notpauth-migration://offline?data=AAAA\n"
        let result = try Importer.read(Data(text.utf8), format: .google)
        #expect(result.tokens.isEmpty)
        #expect(result.failures.count == 2)
    }
}

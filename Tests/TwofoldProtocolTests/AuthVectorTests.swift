import Foundation
import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

/// Checks every file in Protocol/vectors/auth/ (Protocol/relay-api.md, "Test vectors").
@Suite struct AuthVectorTests {
    /// One parsed vector file: header and data as ordered key/value lists.
    struct Vector: CustomTestStringConvertible, Sendable {
        var name: String
        var header: [String: String]
        var data: [String: String]
        var testDescription: String { name }

        func header(_ key: String) -> String {
            guard let value = header[key] else { Issue.record("\(name): no header '\(key)'"); return "" }
            return value
        }
        func hex(_ key: String) -> [UInt8] { Hex.decode(header(key)) ?? [] }
        func millis(_ key: String) -> UInt64 { UInt64(header(key)) ?? 0 }
    }

    static let expectations: Set<String> = [
        "success", "parse failure", "unsupported version", "authentication failure",
        "wrong purpose", "expired", "signature failure", "replay failure",
    ]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors/auth")

    static func load(prefix: String? = nil) -> [Vector] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { prefix == nil || $0.hasPrefix(prefix!) }.map { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            do {
                return try parse(VectorFile(path: "auth/\(name)", parsing: text))
            } catch {
                Issue.record("auth/\(name): \(error)")
                return Vector(name: name, header: [:], data: [:])
            }
        }
    }

    /// Header fields from ``VectorFile``; the data lines of this family are `key: value` too.
    static func parse(_ file: VectorFile) -> Vector {
        var vector = Vector(name: file.path, header: [:], data: [:])
        for field in file.fields { vector.header[field.key] = field.value }
        for line in file.data.split(separator: "\n") {
            guard let range = line.range(of: ": ") else { continue }
            vector.data[String(line[..<range.lowerBound])] = String(line[range.upperBound...])
        }
        return vector
    }

    /// The outcome class a ``ProtocolError`` stands for, in the words of `expect:`.
    static func outcome(_ error: any Error) -> String {
        switch error as? ProtocolError {
        case .malformed?, .invalidIdentifier?: return "parse failure"
        case .unsupportedVersion?: return "unsupported version"
        case .authenticationFailed?: return "authentication failure"
        case .wrongPurpose?: return "wrong purpose"
        case .expired?: return "expired"
        case .invalidSignature?: return "signature failure"
        case .challengeAlreadyUsed?: return "replay failure"
        default: return "unexpected error \(error)"
        }
    }

    @Test func theFamilyIsComplete() {
        let vectors = Self.load()
        #expect(vectors.count >= 30)
        for vector in vectors {
            #expect(Self.expectations.contains(vector.header["expect"] ?? ""), "\(vector.name): unknown expect")
            #expect(!(vector.header["comment"] ?? "").isEmpty, "\(vector.name): no comment")
        }
        let outcomes = Set(vectors.compactMap { $0.header["expect"] })
        #expect(outcomes == Self.expectations, "every outcome has at least one vector")
    }

    @Test(arguments: load(prefix: "challenge-") + load(prefix: "recovery-"))
    func challengeSignature(_ vector: Vector) async throws {
        let secret = try RelaySecret(SecureBytes(vector.hex("relay-secret")))
        let now = vector.millis("now-ms")
        let purpose = try #require(AuthChallenge.Purpose(name: vector.header("purpose")))
        let signature = Hex.decode(vector.data["signature"] ?? "") ?? []
        let message: (AuthChallenge) throws(ProtocolError) -> [UInt8]
        if purpose == .device {
            let account = try AccountID(hex: vector.header("account-id"))
            let device = try DeviceID(hex: vector.header("device-id"))
            message = { challenge in AuthMessage.device(accountID: account, deviceID: device, challenge: challenge) }
        } else {
            let kind = try #require(AuthMessage.RecoveryKeyKind.allCases.first { $0.name == vector.header("key-kind") })
            let device = try DeviceID(hex: vector.header("device-id"))
            let (recoveryKey, signKey, boxKey) = (vector.hex("public-key"), vector.hex("device-sign-key"), vector.hex("device-box-key"))
            message = { challenge throws(ProtocolError) in
                try AuthMessage.recovery(kind: kind, recoveryPublicKey: recoveryKey, deviceID: device,
                                         deviceSigningKey: signKey, deviceBoxKey: boxKey, challenge: challenge)
            }
        }
        let text = try #require(vector.data["challenge"])
        // The message line is what the relay rebuilds: a second implementation checks its bytes here.
        if let expected = vector.data["message"] {
            #expect(Hex.encode(try message(try AuthChallenge(text: text))) == expected)
        }
        let ledger = InMemoryChallengeLedger()
        let uses = Int(vector.header["uses"] ?? "1") ?? 1
        var result = "success"
        for use in 1...uses {
            do {
                _ = try await AuthChallenge.redeem(
                    text: text, purpose: purpose, signature: signature, publicKey: vector.hex("public-key"),
                    message: message, secret: secret, nowMilliseconds: now, ledger: ledger)
                result = "success"
            } catch {
                result = Self.outcome(error)
                #expect(use == uses, "\(vector.name): use \(use) of \(uses) failed with \(result)")
            }
        }
        #expect(result == vector.header("expect"))
        if vector.header("expect") == "success" {
            // Ed25519 is deterministic: the signer seed reproduces the signature exactly.
            let signer = Ed25519KeyPair.fromSeed(SecureBytes(vector.hex("signer-seed")))
            #expect(signer.publicKey == vector.hex("public-key"))
            #expect(signer.sign(try message(try AuthChallenge(text: text))) == signature)
        }
    }

    @Test(arguments: load(prefix: "token-"))
    func accessToken(_ vector: Vector) throws {
        let secret = try RelaySecret(SecureBytes(vector.hex("relay-secret")))
        let text = try #require(vector.data["token"])
        var result = "success"
        do {
            let token = try AccessToken.verified(text: text, secret: secret, nowMilliseconds: vector.millis("now-ms"))
            #expect(token.accountID.hex == vector.header("account-id"))
            #expect(token.deviceID.hex == vector.header("device-id"))
            #expect(token.issuedAtMilliseconds == vector.millis("issued-at-ms"))
            #expect(token.expiresAtMilliseconds == vector.millis("expires-at-ms"))
        } catch {
            result = Self.outcome(error)
        }
        #expect(result == vector.header("expect"))
        if let account = vector.header["account-id"] {
            // Claims given: issuing them again reproduces the token text exactly.
            let issued = AccessToken.issue(
                accountID: try AccountID(hex: account), deviceID: try DeviceID(hex: vector.header("device-id")),
                nowMilliseconds: vector.millis("issued-at-ms"), secret: secret,
                lifetimeMilliseconds: vector.millis("expires-at-ms") - vector.millis("issued-at-ms"))
            #expect(issued.text == text)
        }
    }
}

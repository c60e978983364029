import Testing
import TwofoldOTP
@testable import TwofoldProtocol

/// Inputs found by the fuzz targets (scripts/fuzz, Sources/twofold-fuzz-protocol) that a
/// parser got wrong, each kept with the fix it led to.
@Suite struct FuzzRegressionTests {
    /// The TOTP payload of Protocol/vectors/records/token-totp.
    static let tokenTOTP = Hex.decode(
        "0101000101020014f07fd9469b26bdf67309e93c1b207fbaedc587d5030006476974487562040011616c696365406578616d706c652e636f6d"
            + "05000101060001060700040000001e0a0004776f726b0a0004636f6465")!

    /// The `payload` target's round-trip property: a token payload with an *empty* issuer,
    /// account or note field decoded to a token that encodes without the field, so one token
    /// had two encodings [CRY-6]. Those fields are omitted when empty (Protocol/crypto.md,
    /// "Token payload"); a present empty one is now refused.
    @Test(arguments: [(UInt8(3), "issuer"), (4, "account"), (9, "note")])
    func emptyOptionalTextFieldIsRefused(tag: UInt8, name: String) throws {
        let token = try TokenPayload.decode(Self.tokenTOTP)
        #expect(TokenPayload.encode(token) == Self.tokenTOTP)
        // Rebuild the payload with the field present but empty, in its place.
        var bytes: [UInt8] = [1]
        var offset = 1
        var inserted = false
        while offset < Self.tokenTOTP.count {
            let fieldTag = Self.tokenTOTP[offset]
            let length = Int(Self.tokenTOTP[offset + 1]) << 8 | Int(Self.tokenTOTP[offset + 2])
            if !inserted && fieldTag >= tag {
                bytes += [tag, 0, 0]
                inserted = true
            }
            if fieldTag != tag { bytes += Self.tokenTOTP[offset..<offset + 3 + length] }
            offset += 3 + length
        }
        #expect(throws: ProtocolError.self, "empty \(name)") { try TokenPayload.decode(bytes) }
        #expect(throws: ProtocolError.self, "empty \(name)") { try TokenPayload.decodeLabels(bytes) }
    }

    /// The exact input: token-totp with its issuer field emptied.
    @Test func emptyIssuerInput() {
        let bytes = Hex.decode(
            "0101000101020014f07fd9469b26bdf67309e93c1b207fbaedc587d5030000040011616c696365406578616d706c652e636f6d"
                + "05000101060001060700040000001e0a0004776f726b0a0004636f6465")!
        #expect(throws: ProtocolError.self) { try TokenPayload.decode(bytes) }
    }

    /// The `payload` target's round-trip property again (CI, stop 13): a Steam payload whose
    /// algorithm field said SHA-256 or SHA-512 decoded, because the token model forces Steam
    /// to SHA-1, and encoded back with SHA-1: two encodings of one token [CRY-6]. Such a
    /// payload is now refused (Protocol/crypto.md, "Token payload";
    /// Protocol/vectors/records/token-steam-sha512).
    @Test(arguments: [UInt8(2), 3])
    func steamWithAnotherAlgorithmIsRefused(algorithm: UInt8) throws {
        let steam = OTPToken(kind: .steam, secret: Array(1...20), issuer: "Steam", account: "alice_gamer")
        let canonical = TokenPayload.encode(steam)
        #expect(try TokenPayload.decode(canonical) == steam)
        let field: [UInt8] = [5, 0, 1, 1]
        let at = try #require((0...(canonical.count - 4)).first { Array(canonical[$0..<$0 + 4]) == field })
        var bytes = canonical
        bytes[at + 3] = algorithm
        #expect(throws: ProtocolError.self) { try TokenPayload.decode(bytes) }
        // Labels alone do not look at the algorithm; the record opener decodes in full.
        let labels = try TokenPayload.decodeLabels(bytes)
        #expect(labels.issuer == "Steam" && labels.account == "alice_gamer")
    }

    /// TOTP and HOTP tokens keep every algorithm.
    @Test(arguments: [OTPAlgorithm.sha1, .sha256, .sha512], [OTPKind.totp, .hotp])
    func otherKindsKeepTheirAlgorithm(algorithm: OTPAlgorithm, kind: OTPKind) throws {
        let token = OTPToken(kind: kind, secret: Array(1...20), issuer: "Example", algorithm: algorithm)
        #expect(try TokenPayload.decode(TokenPayload.encode(token)) == token)
    }
}

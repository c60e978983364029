import TwofoldCrypto
import TwofoldProtocol

/// The `Protocol/vectors/auth/` family: challenge signatures (device sign-in and recovery)
/// and access tokens (Protocol/relay-api.md, "Test vectors").
///
/// Every input comes from a fixed label, so running the generator twice writes the same
/// bytes; times are given in each file (`now-ms`), never read from the clock.
enum AuthVectors {
    /// One file before it becomes a ``VectorFile``: name, `expect`, `comment`, further
    /// header lines, and data lines (`key: value`, like the header).
    struct File {
        var name: String
        var expect: String
        var comment: String
        var header: [(String, String)]
        var data: [(String, String)]

        /// The file in the format of Protocol/vectors/README.md.
        var vectorFile: VectorFile {
            VectorFile(
                path: "\(AuthVectors.directory)/\(name)",
                fields: [.init("expect", expect), .init("comment", comment)] + header.map { .init($0.0, $0.1) },
                data: data.map { "\($0.0): \($0.1)\n" }.joined())
        }
    }

    /// The directory under Protocol/vectors/.
    static let directory = "auth"

    /// 2026-01-01T00:00:00Z: the relay's clock in every vector.
    static let now: UInt64 = 1_767_225_600_000

    static func bytes(_ label: String, _ count: Int = 32) -> [UInt8] {
        BLAKE2b.hash(Array("twofold/vectors/auth/\(label)".utf8), outputLength: count)
    }

    static let secretBytes = bytes("relay-secret")
    static let otherSecretBytes = bytes("other-relay-secret")
    static let secret = try! RelaySecret(SecureBytes(secretBytes))
    static let otherSecret = try! RelaySecret(SecureBytes(otherSecretBytes))
    static let account = try! AccountID(bytes: bytes("account-id", 16))
    static let otherAccount = try! AccountID(bytes: bytes("other-account-id", 16))
    static let device = try! DeviceID(bytes: bytes("device-id", 16))
    static let otherDevice = try! DeviceID(bytes: bytes("other-device-id", 16))
    static let deviceSeed = bytes("device-ed25519-seed")
    static let otherSeed = bytes("other-device-ed25519-seed")
    static let recoverySeed = bytes("recovery-ed25519-seed")
    static let newDeviceBoxKey = X25519KeyPair.fromSeed(SecureBytes(bytes("new-device-x25519-seed"))).publicKey
    static let otherBoxKey = X25519KeyPair.fromSeed(SecureBytes(bytes("other-device-x25519-seed"))).publicKey

    static func keyPair(_ seed: [UInt8]) -> Ed25519KeyPair { Ed25519KeyPair.fromSeed(SecureBytes(seed)) }

    /// Every file of the family.
    static func files() -> [VectorFile] { (challengeFiles() + recoveryFiles() + tokenFiles()).map(\.vectorFile) }

    // MARK: Device sign-in challenges

    static func challenge(_ purpose: AuthChallenge.Purpose, issuedAt: UInt64 = now - 10_000,
                          secret: RelaySecret = secret, nonceLabel: String = "nonce") -> AuthChallenge {
        AuthChallenge.issue(purpose: purpose, nowMilliseconds: issuedAt, secret: secret, nonce: bytes(nonceLabel, 16))
    }

    static func deviceFile(
        _ name: String, _ expect: String, _ comment: String, challengeText: String,
        challenge: AuthChallenge?, signedMessage: [UInt8]?, signer: [UInt8] = deviceSeed,
        signature: [UInt8]? = nil, purpose: AuthChallenge.Purpose = .device, uses: Int = 1
    ) -> File {
        var header: [(String, String)] = [
            ("relay-secret", Hex.encode(secretBytes)), ("now-ms", "\(now)"), ("purpose", purpose.name),
            ("account-id", account.hex), ("device-id", device.hex),
            ("public-key", Hex.encode(keyPair(deviceSeed).publicKey)), ("signer-seed", Hex.encode(signer)),
        ]
        if uses != 1 { header.append(("uses", "\(uses)")) }
        var data: [(String, String)] = [("challenge", challengeText)]
        if let challenge { data.append(("message", Hex.encode(AuthMessage.device(accountID: account, deviceID: device, challenge: challenge)))) }
        let sig = signature ?? keyPair(signer).sign(signedMessage ?? [])
        data.append(("signature", Hex.encode(sig)))
        return File(name: name, expect: expect, comment: comment, header: header, data: data)
    }

    static func challengeFiles() -> [File] {
        let good = challenge(.device)
        let goodMessage = AuthMessage.device(accountID: account, deviceID: device, challenge: good)
        var flippedSignature = keyPair(deviceSeed).sign(goodMessage)
        flippedSignature[10] ^= 0x01
        var flippedNonce = good.bytes
        flippedNonce[12] ^= 0x80
        let foreign = challenge(.device, secret: otherSecret)
        let expired = challenge(.device, issuedAt: now - AuthChallenge.defaultLifetimeMilliseconds)
        let forRecovery = challenge(.recovery)
        var version2 = good.bytes
        version2[0] = 2
        let truncated = Array(good.bytes.dropLast())
        // 42 bytes end on a full 3-byte group... except they do not: 42 = 14 × 3, so the
        // text has no partial group; append a character to force a non-canonical tail.
        let nonCanonical = good.text + "B"

        return [
            deviceFile("challenge-valid", "success",
                       "a device signs a fresh sign-in challenge with the key the relay has on file",
                       challengeText: good.text, challenge: good, signedMessage: goodMessage),
            deviceFile("challenge-wrong-key", "signature failure",
                       "signed by another device's key, not the one on file for device-id",
                       challengeText: good.text, challenge: good, signedMessage: goodMessage, signer: otherSeed),
            deviceFile("challenge-tampered-message", "signature failure",
                       "the device signed the message for another account id; the relay rebuilds it with account-id",
                       challengeText: good.text, challenge: good,
                       signedMessage: AuthMessage.device(accountID: otherAccount, deviceID: device, challenge: good)),
            deviceFile("challenge-tampered-signature", "signature failure",
                       "one bit of a valid signature flipped (byte 10)",
                       challengeText: good.text, challenge: good, signedMessage: nil, signature: flippedSignature),
            deviceFile("challenge-tampered-nonce", "authentication failure",
                       "one bit of the challenge nonce flipped after issue, so the relay's tag no longer matches",
                       challengeText: Base64URL.encode(flippedNonce), challenge: try! AuthChallenge(bytes: flippedNonce),
                       signedMessage: AuthMessage.device(accountID: account, deviceID: device,
                                                         challenge: try! AuthChallenge(bytes: flippedNonce))),
            deviceFile("challenge-other-relay", "authentication failure",
                       "a challenge tagged by another relay's secret (bytes of 'other-relay-secret'), validly signed",
                       challengeText: foreign.text, challenge: foreign,
                       signedMessage: AuthMessage.device(accountID: account, deviceID: device, challenge: foreign)),
            deviceFile("challenge-expired", "expired",
                       "issued 60 s before now-ms, so it expires exactly at now-ms; a challenge is valid while now < expires_at",
                       challengeText: expired.text, challenge: expired,
                       signedMessage: AuthMessage.device(accountID: account, deviceID: device, challenge: expired)),
            deviceFile("challenge-wrong-purpose", "wrong purpose",
                       "a recovery challenge, validly signed as a device sign-in message, presented to sign in",
                       challengeText: forRecovery.text, challenge: forRecovery,
                       signedMessage: AuthMessage.device(accountID: account, deviceID: device, challenge: forRecovery)),
            deviceFile("challenge-used-twice", "replay failure",
                       "the valid proof presented twice (uses: 2): the first use succeeds, the second is refused",
                       challengeText: good.text, challenge: good, signedMessage: goodMessage, uses: 2),
            deviceFile("challenge-unknown-version", "unsupported version",
                       "the first challenge byte is 2; readers refuse versions they do not know before anything else",
                       challengeText: Base64URL.encode(version2), challenge: nil, signedMessage: goodMessage),
            deviceFile("challenge-truncated", "parse failure",
                       "41 bytes: the last byte of a valid challenge removed",
                       challengeText: Base64URL.encode(truncated), challenge: nil, signedMessage: goodMessage),
            deviceFile("challenge-bad-base64-length", "parse failure",
                       "a valid challenge's text with one character appended (a length of 1 mod 4 is no base64url)",
                       challengeText: nonCanonical, challenge: nil, signedMessage: goodMessage),
        ]
    }

    // MARK: Recovery challenges

    static func recoveryFile(
        _ name: String, _ expect: String, _ comment: String, challenge: AuthChallenge,
        presentedKind: AuthMessage.RecoveryKeyKind = .recoveryKey, presentedBoxKey: [UInt8] = newDeviceBoxKey,
        signedMessage: [UInt8]
    ) -> File {
        let recoveryKey = keyPair(recoverySeed).publicKey
        let deviceKey = keyPair(deviceSeed).publicKey
        let header: [(String, String)] = [
            ("relay-secret", Hex.encode(secretBytes)), ("now-ms", "\(now)"), ("purpose", "recovery"),
            ("key-kind", presentedKind.name), ("public-key", Hex.encode(recoveryKey)),
            ("device-id", device.hex), ("device-sign-key", Hex.encode(deviceKey)),
            ("device-box-key", Hex.encode(presentedBoxKey)), ("signer-seed", Hex.encode(recoverySeed)),
        ]
        let message = try! AuthMessage.recovery(
            kind: presentedKind, recoveryPublicKey: recoveryKey, deviceID: device, deviceSigningKey: deviceKey,
            deviceBoxKey: presentedBoxKey, challenge: challenge)
        let data: [(String, String)] = [
            ("challenge", challenge.text), ("message", Hex.encode(message)),
            ("signature", Hex.encode(keyPair(recoverySeed).sign(signedMessage))),
        ]
        return File(name: name, expect: expect, comment: comment, header: header, data: data)
    }

    static func recoveryFiles() -> [File] {
        let good = challenge(.recovery, nonceLabel: "recovery-nonce")
        let recoveryKey = keyPair(recoverySeed).publicKey
        let deviceKey = keyPair(deviceSeed).publicKey
        func message(_ kind: AuthMessage.RecoveryKeyKind, box: [UInt8] = newDeviceBoxKey,
                     challenge: AuthChallenge = good) -> [UInt8] {
            try! AuthMessage.recovery(kind: kind, recoveryPublicKey: recoveryKey, deviceID: device,
                                      deviceSigningKey: deviceKey, deviceBoxKey: box, challenge: challenge)
        }
        let deviceChallenge = challenge(.device, nonceLabel: "recovery-nonce")
        return [
            recoveryFile("recovery-valid", "success",
                         "the recovery key's Ed25519 key signs a recovery challenge for a new device's keys",
                         challenge: good, signedMessage: message(.recoveryKey)),
            recoveryFile("recovery-device-message", "signature failure",
                         "the same key signed the device sign-in message over the same challenge: labels keep purposes apart",
                         challenge: good,
                         signedMessage: AuthMessage.device(accountID: account, deviceID: device, challenge: good)),
            recoveryFile("recovery-wrong-kind", "signature failure",
                         "signed with key kind passphrase (2), presented as recovery_key (1)",
                         challenge: good, signedMessage: message(.passphrase)),
            recoveryFile("recovery-swapped-device-key", "signature failure",
                         "signed for the new device's X25519 key, presented with another one (a relay swapping keys)",
                         challenge: good, presentedBoxKey: otherBoxKey, signedMessage: message(.recoveryKey)),
            recoveryFile("recovery-wrong-purpose", "wrong purpose",
                         "a device sign-in challenge, validly signed as a recovery message, presented for recovery",
                         challenge: deviceChallenge, signedMessage: message(.recoveryKey, challenge: deviceChallenge)),
        ]
    }

    // MARK: Access tokens

    static func tokenFile(_ name: String, _ expect: String, _ comment: String, text: String,
                          claims: AccessToken? = nil, now: UInt64 = now) -> File {
        var header: [(String, String)] = [("relay-secret", Hex.encode(secretBytes)), ("now-ms", "\(now)")]
        if let claims {
            header += [("account-id", claims.accountID.hex), ("device-id", claims.deviceID.hex),
                       ("issued-at-ms", "\(claims.issuedAtMilliseconds)"),
                       ("expires-at-ms", "\(claims.expiresAtMilliseconds)")]
        }
        return File(name: name, expect: expect, comment: comment, header: header, data: [("token", text)])
    }

    static func tokenFiles() -> [File] {
        let issuedAt = now - 60_000
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: issuedAt, secret: secret)
        let expiresAt = token.expiresAtMilliseconds
        func flipped(_ index: Int, _ bit: UInt8 = 0x01) -> String {
            var b = token.bytes
            b[index] ^= bit
            return AccessToken.prefix + Base64URL.encode(b)
        }
        let foreign = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: issuedAt, secret: otherSecret)
        var version2 = token.bytes
        version2[0] = 2
        let encoded = Base64URL.encode(token.bytes)
        return [
            tokenFile("token-valid", "success",
                      "issued 60 s before now-ms with the default 15-minute lifetime",
                      text: token.text, claims: token),
            tokenFile("token-last-millisecond", "success",
                      "now-ms is one millisecond before expires_at: still valid",
                      text: token.text, claims: token, now: expiresAt - 1),
            tokenFile("token-expired", "expired",
                      "now-ms equals expires_at: a token is valid while now < expires_at",
                      text: token.text, claims: token, now: expiresAt),
            tokenFile("token-tampered-account", "authentication failure",
                      "one bit of account_id (byte 1) flipped", text: flipped(1)),
            tokenFile("token-tampered-device", "authentication failure",
                      "one bit of device_id (byte 17) flipped", text: flipped(17)),
            tokenFile("token-tampered-issued-at", "authentication failure",
                      "one bit of issued_at_ms (byte 40) flipped", text: flipped(40)),
            tokenFile("token-tampered-expires-at", "authentication failure",
                      "expires_at_ms pushed later (bit 0x80 of byte 46 set): a lifetime cannot be extended",
                      text: flipped(46, 0x80)),
            tokenFile("token-tampered-mac", "authentication failure",
                      "one bit of the MAC (last byte) flipped", text: flipped(AccessToken.length - 1)),
            tokenFile("token-expired-and-tampered", "authentication failure",
                      "expired and tampered: the MAC is checked before the expiry, so it is not reported as expired",
                      text: flipped(1), now: expiresAt + 1),
            tokenFile("token-wrong-secret", "authentication failure",
                      "the same claims MAC'd with another relay's secret ('other-relay-secret')",
                      text: foreign.text),
            tokenFile("token-unknown-version-prefix", "unsupported version",
                      "prefix tfa2. with a version-1 body: the prefix names the version",
                      text: "tfa2." + encoded),
            tokenFile("token-unknown-version-byte", "unsupported version",
                      "prefix tfa1. but the first byte is 2", text: AccessToken.prefix + Base64URL.encode(version2)),
            tokenFile("token-truncated", "parse failure",
                      "the last byte of a valid token removed (80 bytes)",
                      text: AccessToken.prefix + Base64URL.encode(Array(token.bytes.dropLast()))),
            tokenFile("token-padded", "parse failure",
                      "a valid token with '=' padding appended: only unpadded base64url is canonical",
                      text: token.text + "="),
            tokenFile("token-no-prefix", "parse failure",
                      "the base64url body without the tfa1. prefix", text: encoded),
        ]
    }
}

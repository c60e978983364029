import Testing
import TwofoldCrypto
@testable import TwofoldProtocol

/// Behaviour of the authentication primitives (Protocol/relay-api.md, "Authentication").
@Suite struct AuthTests {
    let secret = RelaySecret.generate()
    let account = AccountID.random()
    let device = DeviceID.random()
    let key = Ed25519KeyPair.generate()
    let now: UInt64 = 1_767_225_600_000

    func proof(_ challenge: AuthChallenge, key: Ed25519KeyPair? = nil) -> [UInt8] {
        (key ?? self.key).sign(AuthMessage.device(accountID: account, deviceID: device, challenge: challenge))
    }

    func redeem(_ challenge: AuthChallenge, signature: [UInt8], at time: UInt64? = nil,
                purpose: AuthChallenge.Purpose = .device, ledger: InMemoryChallengeLedger) async throws {
        _ = try await AuthChallenge.redeem(
            text: challenge.text, purpose: purpose, signature: signature, publicKey: key.publicKey,
            message: { AuthMessage.device(accountID: account, deviceID: device, challenge: $0) },
            secret: secret, nowMilliseconds: time ?? now, ledger: ledger)
    }

    // MARK: Encoding

    @Test func base64URLIsUnpaddedAndCanonical() {
        for length in 0..<70 {
            let bytes = SecureRandom.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.decode("AA==") == nil, "padding is refused")
        #expect(Base64URL.decode("AB") == nil, "non-zero unused bits are refused")
        #expect(Base64URL.decode("AAA") == [0, 0])
        #expect(Base64URL.decode("AAB") == nil)
        #expect(Base64URL.decode("A") == nil, "a length of 1 mod 4 is refused")
        #expect(Base64URL.decode("A+/A") == nil, "the standard alphabet's + and / are refused")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    // MARK: Challenges

    @Test func challengeLayoutIsFixed() throws {
        let challenge = AuthChallenge.issue(purpose: .recovery, nowMilliseconds: now, secret: secret)
        #expect(challenge.bytes.count == 42)
        #expect(challenge.bytes[0] == 1 && challenge.bytes[1] == 2)
        #expect(challenge.expiresAtMilliseconds == now + 60_000)
        #expect(try AuthChallenge(text: challenge.text) == challenge)
        let nonces = Set((0..<64).map { _ in
            AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret).nonce
        })
        #expect(nonces.count == 64, "every challenge gets a fresh random nonce")
        #expect(throws: ProtocolError.malformed(what: "challenge", reason: "unknown purpose 3")) {
            var bytes = challenge.bytes
            bytes[1] = 3
            _ = try AuthChallenge(bytes: bytes)
        }
    }

    @Test func aValidProofIsAcceptedOnceAndOnlyOnce() async throws {
        let ledger = InMemoryChallengeLedger()
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        try await redeem(challenge, signature: proof(challenge), ledger: ledger)
        await #expect(throws: ProtocolError.challengeAlreadyUsed) {
            try await redeem(challenge, signature: proof(challenge), at: now + 1, ledger: ledger)
        }
    }

    @Test func concurrentRedemptionsOfOneChallengeSucceedOnce() async throws {
        let ledger = InMemoryChallengeLedger()
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        let signature = proof(challenge)
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { (try? await self.redeem(challenge, signature: signature, ledger: ledger)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    @Test func aRefusedSignatureDoesNotUseUpTheChallenge() async throws {
        let ledger = InMemoryChallengeLedger()
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        await #expect(throws: ProtocolError.invalidSignature(what: "the device challenge")) {
            try await redeem(challenge, signature: proof(challenge, key: .generate()), ledger: ledger)
        }
        try await redeem(challenge, signature: proof(challenge), ledger: ledger)
    }

    @Test func aChallengeIsValidUntilItsExpiry() async throws {
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        try await redeem(challenge, signature: proof(challenge), at: now + 59_999, ledger: InMemoryChallengeLedger())
        await #expect(throws: ProtocolError.expired(what: "challenge")) {
            try await redeem(challenge, signature: proof(challenge), at: now + 60_000, ledger: InMemoryChallengeLedger())
        }
    }

    @Test func aChallengeFromAnotherRelayOrForAnotherPurposeIsRefused() async throws {
        let foreign = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: .generate())
        await #expect(throws: ProtocolError.authenticationFailed(what: "challenge")) {
            try await redeem(foreign, signature: proof(foreign), ledger: InMemoryChallengeLedger())
        }
        let recovery = AuthChallenge.issue(purpose: .recovery, nowMilliseconds: now, secret: secret)
        await #expect(throws: ProtocolError.wrongPurpose(what: "challenge")) {
            try await redeem(recovery, signature: proof(recovery), ledger: InMemoryChallengeLedger())
        }
    }

    @Test func theLedgerForgetsOnlyExpiredChallenges() {
        var used = UsedChallenges()
        let first = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        let second = AuthChallenge.issue(purpose: .device, nowMilliseconds: now + 30_000, secret: secret)
        let firstUse = used.insert(first, nowMilliseconds: now)
        let secondUse = used.insert(second, nowMilliseconds: now + 30_000)
        let firstAgain = used.insert(first, nowMilliseconds: now + 59_999)
        #expect(firstUse && secondUse && !firstAgain)
        used.purge(nowMilliseconds: now + 60_000)
        #expect(used.count == 1, "the first expired and was forgotten; the second is kept")
        let secondAgain = used.insert(second, nowMilliseconds: now + 60_000)
        #expect(!secondAgain)
    }

    // MARK: Signed messages

    @Test func signedMessagesHaveFixedLayouts() throws {
        let challenge = AuthChallenge.issue(purpose: .device, nowMilliseconds: now, secret: secret)
        let message = AuthMessage.device(accountID: account, deviceID: device, challenge: challenge)
        #expect(message.count == 89)
        #expect(message == Array("twofold/auth/v1".utf8) + account.bytes + device.bytes + challenge.bytes)
        let box = X25519KeyPair.generate().publicKey
        let recovery = try AuthMessage.recovery(kind: .passphrase, recoveryPublicKey: key.publicKey, deviceID: device,
                                                deviceSigningKey: key.publicKey, deviceBoxKey: box, challenge: challenge)
        #expect(recovery.count == 179)
        #expect(recovery == Array("twofold/recovery-auth/v1".utf8) + [2] + key.publicKey + device.bytes
            + key.publicKey + box + challenge.bytes)
        #expect(throws: ProtocolError.self) {
            _ = try AuthMessage.recovery(kind: .recoveryKey, recoveryPublicKey: [1, 2], deviceID: device,
                                         deviceSigningKey: key.publicKey, deviceBoxKey: box, challenge: challenge)
        }
    }

    @Test func aSignInSignatureIsNoRecoveryProof() throws {
        let challenge = AuthChallenge.issue(purpose: .recovery, nowMilliseconds: now, secret: secret)
        let box = X25519KeyPair.generate().publicKey
        let recovery = try AuthMessage.recovery(kind: .recoveryKey, recoveryPublicKey: key.publicKey, deviceID: device,
                                                deviceSigningKey: key.publicKey, deviceBoxKey: box, challenge: challenge)
        #expect(throws: ProtocolError.invalidSignature(what: "recovery")) {
            try AuthSignature.verify(proof(challenge), over: recovery, publicKey: key.publicKey, what: "recovery")
        }
        #expect(throws: ProtocolError.malformed(what: "signature", reason: "63 bytes instead of 64")) {
            try AuthSignature.verify([UInt8](repeating: 0, count: 63), over: recovery, publicKey: key.publicKey, what: "recovery")
        }
    }

    // MARK: Access tokens

    @Test func aTokenRoundTripsThroughItsText() throws {
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: now, secret: secret)
        #expect(token.bytes.count == 81)
        #expect(token.text.count == 113 && token.text.hasPrefix("tfa1."))
        #expect(token.expiresAtMilliseconds == now + 15 * 60_000)
        let parsed = try AccessToken.verified(text: token.text, secret: secret, nowMilliseconds: now)
        #expect(parsed == token)
        #expect(parsed.accountID == account && parsed.deviceID == device)
    }

    @Test func everyFlippedBitOfATokenIsRefused() throws {
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: now, secret: secret)
        for index in token.bytes.indices {
            for bit in 0..<8 {
                var bytes = token.bytes
                bytes[index] ^= UInt8(1) << UInt8(bit)
                let text = AccessToken.prefix + Base64URL.encode(bytes)
                let expected: ProtocolError = index == 0
                    ? .unsupportedVersion(what: "access token", version: bytes[0])
                    : .authenticationFailed(what: "access token")
                #expect(throws: expected) {
                    _ = try AccessToken.verified(text: text, secret: self.secret, nowMilliseconds: self.now)
                }
            }
        }
    }

    @Test func aTokenExpiresAndOnlyItsRelayAcceptsIt() throws {
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: now, secret: secret,
                                      lifetimeMilliseconds: 1_000)
        try token.verify(secret: secret, nowMilliseconds: now + 999)
        #expect(throws: ProtocolError.expired(what: "access token")) {
            try token.verify(secret: secret, nowMilliseconds: now + 1_000)
        }
        #expect(throws: ProtocolError.authenticationFailed(what: "access token")) {
            try token.verify(secret: .generate(), nowMilliseconds: now)
        }
    }

    @Test func malformedTokensAndUnknownVersionsAreToldApart() {
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: now, secret: secret)
        let body = String(token.text.dropFirst(5))
        #expect(throws: ProtocolError.unsupportedVersion(what: "access token", version: 2)) {
            _ = try AccessToken(text: "tfa2." + body)
        }
        for text in ["", "tfa1.", "Bearer " + token.text, body, token.text + "=", token.text + "A", "tfa.x", "tfa1x." + body] {
            #expect(throws: ProtocolError.self, "\(text.prefix(12))") { _ = try AccessToken(text: text) }
            #expect((try? AccessToken(text: text)) == nil)
        }
    }

    @Test func aRelaySecretIs32Bytes() {
        #expect(throws: ProtocolError.self) { _ = try RelaySecret(SecureBytes([UInt8](repeating: 1, count: 31))) }
        #expect((try? RelaySecret(SecureBytes([UInt8](repeating: 1, count: 32)))) != nil)
    }
}

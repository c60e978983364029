import TwofoldProtocol

extension Relay {
    /// Checks a signed challenge in the order of Protocol/relay-api.md, "Challenges"
    /// [API-7], with ``AuthChallenge/redeem`` and the store as the ledger [API-8].
    ///
    /// `publicKey` is nil when the account or device is unknown: the cheap checks still
    /// run first, so the answer is the one a wrong signature gets [API-10].
    func redeem(challenge text: String, purpose: AuthChallenge.Purpose, signature: [UInt8], publicKey: [UInt8]?,
                failure: RelayErrorCode, message: (AuthChallenge) throws(ProtocolError) -> [UInt8]) async throws -> AuthChallenge {
        let now = UInt64(max(0, clock.nowMs))
        do {
            guard let publicKey else {
                let challenge = try AuthChallenge(text: text)
                try challenge.verify(secret: secrets.auth, purpose: purpose, nowMilliseconds: now)
                throw ProtocolError.invalidSignature(what: "the challenge")
            }
            let challenge = try await AuthChallenge.redeem(text: text, purpose: purpose, signature: signature, publicKey: publicKey,
                                                           message: message, secret: secrets.auth, nowMilliseconds: now, ledger: store)
            metrics.authOutcome("challenge_ok")
            return challenge
        } catch let error as ProtocolError {
            let refusal = Self.refusal(error, failure: failure)
            logger.debug("challenge refused", metadata: ["reason": "\(error)"])
            metrics.authOutcome(refusal.code.rawValue)
            throw refusal
        }
    }

    /// The wire refusal of a failed check; the log keeps the reason [API-7].
    static func refusal(_ error: ProtocolError, failure: RelayErrorCode) -> RelayError {
        switch error {
        case .expired:
            return RelayError(.challengeExpired, "the challenge has expired (they last 60 s): request a new one, and check this device's clock")
        case .challengeAlreadyUsed:
            return RelayError(.challengeUsed, "the challenge was already used: request a new one")
        case .invalidSignature:
            if failure == .recoveryFailed {
                return RelayError(.recoveryFailed, "the recovery words or passphrase do not match an account here; check them and try again")
            }
            return RelayError(.authFailed, "this device is not known here or its signature does not verify; link it again or use the right relay")
        default:
            return RelayError(.challengeInvalid, "the challenge is malformed, not this relay's, or for another purpose: request a new one")
        }
    }
}

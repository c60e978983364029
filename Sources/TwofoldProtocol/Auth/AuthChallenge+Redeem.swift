extension AuthChallenge {
    /// The relay's whole check of a signed challenge (Protocol/relay-api.md, "Challenges"):
    /// parse, tag, purpose, expiry, signature, and last the ledger, so a request that fails
    /// any cheap check never writes to the store.
    ///
    /// - Parameters:
    ///   - text: the challenge as the client sent it (base64url).
    ///   - message: builds the signed message (``AuthMessage``) from the parsed challenge.
    /// - Returns: the challenge, now recorded as used.
    /// - Throws: ``ProtocolError`` for a refused proof; whatever the ledger throws for a
    ///   storage failure.
    public static func redeem(
        text: String, purpose: Purpose, signature: [UInt8], publicKey: [UInt8],
        message: (AuthChallenge) throws(ProtocolError) -> [UInt8],
        secret: RelaySecret, nowMilliseconds: UInt64, ledger: some ChallengeLedger
    ) async throws -> AuthChallenge {
        let challenge = try AuthChallenge(text: text)
        try challenge.verify(secret: secret, purpose: purpose, nowMilliseconds: nowMilliseconds)
        try AuthSignature.verify(signature, over: try message(challenge), publicKey: publicKey,
                                 what: "the \(purpose.name) challenge")
        guard try await ledger.consume(challenge, nowMilliseconds: nowMilliseconds) else {
            throw ProtocolError.challengeAlreadyUsed
        }
        return challenge
    }
}

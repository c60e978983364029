import TwofoldOTP

/// Tokens seen so far, to tell whether another one generates the same codes
/// (`OTPToken.generatesSameCodes`: same kind, secret and parameters).
///
/// Bucketed by secret, so checking a 10,000-token import against a 10,000-token vault
/// costs a hash lookup per token rather than a comparison with every other one.
struct DuplicateIndex {
    private var bySecret: [[UInt8]: [OTPToken]] = [:]

    init<Tokens: Sequence>(_ tokens: Tokens) where Tokens.Element == OTPToken {
        for token in tokens { insert(token) }
    }

    /// True when a token already in the index generates the same codes as `token`.
    func contains(_ token: OTPToken) -> Bool {
        bySecret[token.secret]?.contains { $0.generatesSameCodes(as: token) } ?? false
    }

    mutating func insert(_ token: OTPToken) {
        bySecret[token.secret, default: []].append(token)
    }
}

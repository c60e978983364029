extension OTPToken {
    /// The shortest secret RFC 4226 §4 asks for (R6: "at least 128 bits"), in bytes.
    public static let recommendedSecretBytes = 16

    /// A one-line warning when the secret is shorter than ``recommendedSecretBytes``,
    /// else nil.
    ///
    /// Never a refusal: real services still issue 80-bit secrets (RFC 4226 recommends
    /// 160 bits but only requires 128), and refusing one would lock the person out of
    /// the account rather than protect it. The warning tells them to ask for a new one.
    public var shortSecretWarning: String? {
        guard secret.count < Self.recommendedSecretBytes else { return nil }
        return "the secret is \(secret.count * 8) bits, shorter than the 128 bits RFC 4226 asks for: "
            + "the codes work, but if the service lets you, set up two-factor again to get a longer secret"
    }
}

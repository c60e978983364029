extension KeyURI {
    /// Writes the canonical Key URI for a token.
    ///
    /// `otpauth://TYPE/LABEL?secret=…&issuer=…&algorithm=…&digits=…&period=…` for TOTP
    /// and Steam, with `counter=…` instead of `period` for HOTP. The parameter order is
    /// the Key URI format's own; every parameter is written, defaults included, so the
    /// URI says exactly what the token is and apps that assume other defaults still
    /// agree. The secret is canonical Base32 (upper case, no padding); the issuer is
    /// written both as the label prefix and as `issuer=`, as the format recommends.
    ///
    /// For a valid token whose issuer and account have no leading or trailing
    /// whitespace and no control characters, `parse(format(t))` equals `t` except for
    /// tags and note, which are not part of the URI.
    public static func format(_ token: OTPToken) -> String {
        var uri = "otpauth://" + token.kind.rawValue + "/" + formatLabel(issuer: token.issuer, account: token.account)
        uri += "?secret=" + Base32.encode(token.secret)
        if !token.issuer.isEmpty {
            uri += "&issuer=" + PercentEncoding.encode(token.issuer)
        }
        uri += "&algorithm=" + token.algorithm.rawValue
        uri += "&digits=" + String(token.digits)
        switch token.kind {
        case .totp, .steam:
            uri += "&period=" + String(token.period)
        case .hotp:
            uri += "&counter=" + String(token.counter)
        }
        return uri
    }

    /// `Issuer:Account` with each part percent-encoded, so a `:` inside either is
    /// `%3A` and the one literal colon is the separator ``parseLabel(_:)`` splits at.
    ///
    /// With no issuer, an account that contains a colon gets an empty prefix (`:a%3Ab`):
    /// without it a reader would split the account at its first `%3A`. With an issuer
    /// and no account the label ends in the colon (`Issuer:`), so the issuer is not read
    /// back as the account.
    static func formatLabel(issuer: String, account: String) -> String {
        let encodedAccount = PercentEncoding.encode(account)
        if !issuer.isEmpty {
            return PercentEncoding.encode(issuer) + ":" + encodedAccount
        }
        return account.utf8.contains(UInt8(ascii: ":")) ? ":" + encodedAccount : encodedAccount
    }
}

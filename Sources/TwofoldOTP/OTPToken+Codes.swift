/// Codes from a token: the model's parameters handed to ``OTPGenerator``.
///
/// The token must be valid (``OTPToken/validate()``); every path that builds tokens
/// from outside data (Key URIs, the vault, importers) validates them first.
extension OTPToken {
    /// The code shown at `t` (seconds since 1970-01-01 UTC).
    ///
    /// TOTP: RFC 6238 with the token's period. Steam: Steam Guard at `t`. HOTP codes do
    /// not depend on time, so an HOTP token returns the code for its stored `counter`
    /// (the next one to use), the same as `code(counter: counter)`.
    public func code(atUnixTime t: Int64) -> String {
        switch kind {
        case .totp:
            return OTPGenerator.totp(
                secret: secret, unixTime: t, period: period, algorithm: algorithm, digits: digits)
        case .steam:
            return OTPGenerator.steam(secret: secret, unixTime: t)
        case .hotp:
            return code(counter: counter)
        }
    }

    /// The code for moving factor `counter`.
    ///
    /// HOTP: RFC 4226 at `counter`. For TOTP and Steam the counter is taken as the time
    /// step T (RFC 6238 §4.2), which is handy for showing the next or previous code.
    public func code(counter: UInt64) -> String {
        switch kind {
        case .hotp, .totp:
            return OTPGenerator.hotp(
                secret: secret, counter: counter, algorithm: algorithm, digits: digits)
        case .steam:
            return OTPGenerator.steam(secret: secret, counter: counter)
        }
    }

    /// Seconds, 1...period, until the code at `t` is replaced by the next one.
    ///
    /// HOTP codes never expire by time, so an HOTP token returns 0.
    public func secondsRemaining(atUnixTime t: Int64) -> Int {
        switch kind {
        case .totp:
            return OTPGenerator.secondsRemaining(unixTime: t, period: period)
        case .steam:
            return OTPGenerator.secondsRemaining(unixTime: t, period: OTPGenerator.steamPeriod)
        case .hotp:
            return 0
        }
    }

    /// The RFC 6238 time step at `t` (the counter a TOTP or Steam code at `t` uses).
    /// HOTP tokens return their stored `counter`.
    public func timeStep(atUnixTime t: Int64) -> UInt64 {
        switch kind {
        case .totp:
            return OTPGenerator.timeStep(unixTime: t, period: period)
        case .steam:
            return OTPGenerator.timeStep(unixTime: t, period: OTPGenerator.steamPeriod)
        case .hotp:
            return counter
        }
    }
}

import Crypto

/// Computes one-time passwords: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
///
/// Pure functions of their arguments. Parameters are checked with preconditions, not
/// errors: a token reaching here has passed ``OTPToken/validate()`` (every decoder of
/// tokens validates), so an out-of-range value is a programming error. The generator
/// accepts 1–10 digits, wider than the token policy (6–10), because the arithmetic is
/// defined there and tests use it.
public enum OTPGenerator {
    /// Steam Guard's 26 code characters: digits and consonants that cannot be misread.
    static let steamAlphabet: [UInt8] = Array("23456789BCDFGHJKMNPQRTVWXY".utf8)

    /// Steam Guard's fixed time step in seconds.
    public static let steamPeriod = 30

    /// The HOTP value for `counter` (RFC 4226 §5.3), as `digits` decimal digits.
    ///
    /// - Precondition: `digits` is in 1...10.
    public static func hotp(secret: [UInt8], counter: UInt64, algorithm: OTPAlgorithm, digits: Int)
        -> String
    {
        precondition((1...10).contains(digits), "HOTP digits must be 1...10, got \(digits)")
        let value = truncatedValue(secret: secret, counter: counter, algorithm: algorithm)
        return decimal(value, digits: digits)
    }

    /// The TOTP value at `unixTime` (RFC 6238 §4.2): HOTP with the time step as counter.
    ///
    /// - Precondition: `period` ≥ 1 and `digits` is in 1...10.
    public static func totp(
        secret: [UInt8], unixTime: Int64, period: Int, algorithm: OTPAlgorithm, digits: Int
    ) -> String {
        let counter = timeStep(unixTime: unixTime, period: period)
        return hotp(secret: secret, counter: counter, algorithm: algorithm, digits: digits)
    }

    /// The Steam Guard code at `unixTime`: five characters from Steam's alphabet.
    ///
    /// Steam Guard is RFC 6238 TOTP with HMAC-SHA-1 and a 30 s step up to the dynamic
    /// truncation (RFC 4226 §5.3); the 31-bit value is then written in base 26, least
    /// significant "digit" first, instead of in decimal.
    public static func steam(secret: [UInt8], unixTime: Int64) -> String {
        steam(secret: secret, counter: timeStep(unixTime: unixTime, period: steamPeriod))
    }

    /// The Steam Guard code for an explicit time step (used by tests and by
    /// ``OTPToken/code(counter:)``).
    public static func steam(secret: [UInt8], counter: UInt64) -> String {
        var value = truncatedValue(secret: secret, counter: counter, algorithm: .sha1)
        return String(unsafeUninitializedCapacity: 5) { buffer in
            for index in 0..<5 {
                buffer[index] = steamAlphabet[Int(value % 26)]
                value /= 26
            }
            return 5
        }
    }

    /// The RFC 6238 time step T = floor((unixTime − T0) / period) with T0 = 0, as the
    /// 8-byte moving factor.
    ///
    /// RFC 6238 §4.2 only defines T for times at or after T0. For an earlier time (a
    /// clock set before 1970) we still use floor division, so steps stay contiguous and
    /// each lasts `period` seconds, and pass the negative T as its 64-bit two's
    /// complement, which is what the RFC's reference code (Appendix A, a Java `long`
    /// printed as hex) does. No server accepts such codes; the point is that nothing
    /// traps on a wrong clock.
    ///
    /// - Precondition: `period` ≥ 1.
    public static func timeStep(unixTime: Int64, period: Int) -> UInt64 {
        precondition(period >= 1, "TOTP period must be at least 1 s, got \(period)")
        let step = Int64(period)
        var quotient = unixTime / step
        if unixTime % step != 0 && unixTime < 0 { quotient -= 1 }
        return UInt64(bitPattern: quotient)
    }

    /// Seconds until the code at `unixTime` changes: 1...period (floor modulo, so it
    /// is right for negative times too).
    ///
    /// - Precondition: `period` ≥ 1.
    public static func secondsRemaining(unixTime: Int64, period: Int) -> Int {
        precondition(period >= 1, "TOTP period must be at least 1 s, got \(period)")
        let step = Int64(period)
        var elapsed = unixTime % step
        if elapsed < 0 { elapsed += step }
        return Int(step - elapsed)
    }

    // MARK: - RFC 4226 core

    /// HMAC over the big-endian counter, then dynamic truncation (RFC 4226 §5.3) to a
    /// 31-bit value. The message lives on the stack; the only allocation is the key
    /// that swift-crypto copies into its own storage.
    static func truncatedValue(secret: [UInt8], counter: UInt64, algorithm: OTPAlgorithm) -> UInt32 {
        // RFC 4226 §5.2: the counter is an 8-byte big-endian value.
        let message = counter.bigEndian
        let key = SymmetricKey(data: secret)
        return withUnsafeBytes(of: message) { bytes in
            switch algorithm {
            case .sha1: return dynamicTruncation(HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: key))
            case .sha256: return dynamicTruncation(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
            case .sha512: return dynamicTruncation(HMAC<SHA512>.authenticationCode(for: bytes, using: key))
            }
        }
    }

    /// RFC 4226 §5.3 "DT": the low 4 bits of the last byte pick an offset; the 4 bytes
    /// there, big-endian, with the top bit cleared (so signed and unsigned
    /// implementations agree). RFC 6238 §1.2 applies the same rule to SHA-256 and
    /// SHA-512 MACs: the last byte, whatever the MAC length, and the offset is at most
    /// 15, so the 4 bytes always fit in a 20-byte or longer MAC.
    @inline(__always)
    static func dynamicTruncation<MAC: MessageAuthenticationCode>(_ mac: MAC) -> UInt32 {
        mac.withUnsafeBytes { bytes in
            let offset = Int(bytes[bytes.count - 1] & 0x0F)
            return UInt32(bytes[offset] & 0x7F) << 24
                | UInt32(bytes[offset + 1]) << 16
                | UInt32(bytes[offset + 2]) << 8
                | UInt32(bytes[offset + 3])
        }
    }

    /// `value mod 10^digits`, zero-padded to `digits` (RFC 4226 §5.3, step 3). For 10
    /// digits the modulus exceeds 2^31, so the code is the whole 31-bit value padded
    /// with leading zeros.
    static func decimal(_ value: UInt32, digits: Int) -> String {
        var remaining = UInt64(value) % powersOfTen[digits]
        // Small enough (≤ 15 UTF-8 bytes) that Swift stores the string inline: no heap.
        return String(unsafeUninitializedCapacity: digits) { buffer in
            for index in stride(from: digits - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            return digits
        }
    }

    /// 10^0 … 10^10.
    static let powersOfTen: [UInt64] = (0...10).map { exponent in
        (0..<exponent).reduce(UInt64(1)) { product, _ in product * 10 }
    }
}

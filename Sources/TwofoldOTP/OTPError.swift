/// Everything that can be wrong with a token, a secret or a Key URI.
///
/// Each message says what is wrong and what to do, in one line (README, "Errors").
public enum OTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The secret is missing or empty.
    case emptySecret
    /// The secret holds a character that is not in the Base32 alphabet.
    case invalidBase32Character(Character)
    /// The secret's Base32 has a length or padding no encoder produces.
    case invalidBase32Length
    /// Digits outside 6–10 (5 for Steam).
    case digitsOutOfRange(Int)
    /// Period outside 1 s – 1 h (30 s for Steam).
    case periodOutOfRange(Int)
    /// A Key URI that is not `otpauth://…`.
    case notOTPAuthURI
    /// A Key URI type other than `totp`, `hotp` or `steam`.
    case unknownType(String)
    /// A Key URI algorithm other than SHA1, SHA256 or SHA512.
    case unknownAlgorithm(String)
    /// An `hotp` Key URI without a `counter` parameter.
    case missingCounter
    /// A parameter whose value is not a valid number or is malformed.
    case invalidParameter(name: String, value: String)
    /// A Key URI that cannot be parsed at all (bad percent-encoding, no label…).
    case malformedURI(String)

    /// The one-line message for a person: what is wrong and what to do.
    public var description: String {
        switch self {
        case .emptySecret:
            return "the secret is missing or empty: give the token's Base32 secret"
        case .invalidBase32Character(let c):
            return "the secret is not valid Base32: character \(Self.quoted(String(c))) is not allowed (use A–Z and 2–7)"
        case .invalidBase32Length:
            return "the secret is not valid Base32: its length or padding is wrong; check it was copied whole"
        case .digitsOutOfRange(let d):
            return "digits \(d) is not supported: use 6 to 10 (Steam tokens always have 5)"
        case .periodOutOfRange(let p):
            return "period \(p) s is not supported: use 1 to 3600 seconds (Steam tokens always use 30)"
        case .notOTPAuthURI:
            return "not an otpauth:// URI: give a URI such as otpauth://totp/Issuer:account?secret=BASE32"
        case .unknownType(let t):
            return "unknown token type \(Self.quoted(t)): use totp, hotp or steam"
        case .unknownAlgorithm(let a):
            return "unknown algorithm \(Self.quoted(a)): use SHA1, SHA256 or SHA512"
        case .missingCounter:
            return "an hotp URI needs a counter parameter: add &counter=N"
        case .invalidParameter(let name, let value):
            return "parameter \(Self.quoted(name)) has the invalid value \(Self.quoted(value)): check the URI"
        case .malformedURI(let why):
            return "the otpauth URI is malformed (\(Self.quoted(why, quote: "", limit: 160))): check it was copied whole"
        }
    }

    /// Quotes text that may come from a hostile URI or file for a one-line message:
    /// at most `limit` characters, and control or invisible characters (NUL, ESC, newlines,
    /// bidi overrides) shown as `\u{…}` so a message cannot rewrite the terminal.
    static func quoted(_ text: String, quote: String = "'", limit: Int = 40) -> String {
        var out = quote
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate,
                .privateUse, .unassigned:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + quote
    }
}

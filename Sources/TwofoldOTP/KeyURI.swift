/// The Key URI format (`otpauth://TYPE/LABEL?PARAMETERS`), the text inside every
/// authenticator QR code.
///
/// Follows Google's "Key Uri Format" (google-authenticator wiki), with RFC 3986 for
/// the URI syntax. Where that document is silent, Twofold decides as follows:
///
/// - Scheme and type are case-insensitive; surrounding whitespace is trimmed.
/// - Types are `totp`, `hotp` and `steam`; `totp` with `encoder=steam` is Steam too, and
///   so is `totp` with `digits=5` and the issuer Steam (OTPClient's form).
/// - Label: `Issuer:Account`, split at the first literal `:`; if there is none, at the
///   first `%3A` ("Label": the separator is "a literal or url-encoded colon"). The
///   format says names contain no colon; Twofold still keeps one, written `%3A`
///   beside a literal separator, so its own URIs round-trip (other apps may split
///   such a label elsewhere). `+` in the label is a literal plus (RFC 3986 paths have no form
///   encoding, and `alice+otp@example.com` is a real account name). Whitespace around
///   issuer and account is trimmed (the format allows `Issuer: account`).
/// - Query: form encoding, so `+` and `%20` both decode to a space.
/// - The `issuer` parameter wins over the label prefix; an empty one counts as absent.
///   Where the decoded label starts with that issuer, optional spaces and a colon
///   (literal or `%3A`), the account is what follows, whatever colons the issuer holds;
///   only otherwise is the label split at its first colon.
/// - Parameters that do not apply to the type are ignored like unknown ones (`period`
///   for `hotp`, `counter` for `totp`, and `algorithm`, `digits`, `period` for Steam,
///   which fixes them); a known parameter given twice is accepted when both values are
///   the same after decoding, refused when they differ.
/// - `#` is an ordinary character: otpauth URIs have no fragment, and some generators
///   forget to encode `#` in names.
/// - Labels and issuers with control characters (NUL, ESC, newlines…) are refused:
///   they have no legitimate use and could rewrite a terminal that prints them.
/// - URIs longer than ``maximumLength`` are refused before any parsing.
/// - Signs of a cut-off URI are refused rather than read with defaults: a second
///   `otpauth://` inside the URI (two lines run together), and a parameter without `=`
///   whose name is the start of a known one (`&pe` of `&period=45`). OTPClient 3.1.4
///   writes both in its FreeOTP+ export when an issuer is not ASCII; read as written,
///   `&pe` would give a 30 s token where the service uses 45 s, and wrong codes.
public enum KeyURI {
    /// The longest URI accepted, in UTF-8 bytes. A QR code holds at most 2,953 bytes;
    /// 64 KiB leaves room for any real URI and bounds the work a hostile one causes.
    public static let maximumLength = 65_536

    /// Parses a Key URI into a validated token. Tags and note are empty.
    ///
    /// Throws ``OTPError``: `.notOTPAuthURI`, `.unknownType`, `.emptySecret`, the
    /// Base32 errors, `.unknownAlgorithm`, `.invalidParameter` (not a number),
    /// `.digitsOutOfRange`, `.periodOutOfRange`, `.missingCounter`, or `.malformedURI`
    /// (bad percent-encoding, text that is not UTF-8, duplicate parameters, control
    /// characters, too long). Linear time in the input.
    public static func parse(_ uri: String) throws(OTPError) -> OTPToken {
        guard uri.utf8.count <= maximumLength else {
            throw .malformedURI("the URI is longer than \(maximumLength) bytes")
        }
        let bytes = trimmingASCIIWhitespace(Array(uri.utf8)[...])

        // Scheme, case-insensitive (RFC 3986 §3.1).
        let scheme = Array("otpauth://".utf8)
        guard bytes.count >= scheme.count,
            zip(bytes, scheme).allSatisfy({ asciiLowercased($0) == $1 })
        else { throw .notOTPAuthURI }
        let rest = bytes[(bytes.startIndex + scheme.count)...]
        if containsCaseInsensitive(rest, scheme) {
            throw .malformedURI("it holds a second otpauth:// URI, so two were run together (the file may be cut off)")
        }

        // otpauth://TYPE/LABEL?QUERY — the query starts at the first `?`, the label after
        // the first `/` before it. A URI with no `/` has an empty label.
        let queryStart = rest.firstIndex(of: UInt8(ascii: "?"))
        let path = rest[..<(queryStart ?? rest.endIndex)]
        let query = queryStart.map { rest[($0 + 1)...] } ?? rest[rest.endIndex...]
        let slash = path.firstIndex(of: UInt8(ascii: "/"))
        let rawType = path[..<(slash ?? path.endIndex)]
        let rawLabel = slash.map { path[($0 + 1)...] } ?? path[path.endIndex...]

        var kind = try parseType(rawType)
        let parameters = try Query(query)
        if kind == .totp, let encoder = try parameters.text("encoder"), encoder.lowercased() == "steam" {
            kind = .steam
        }

        var (issuer, account) = try parseLabel(rawLabel)
        if let given = try parameters.text("issuer") {
            let trimmed = try checkedName(given, part: "the issuer parameter")
            if !trimmed.isEmpty {
                issuer = trimmed
                if let rest = try accountAfterIssuer(trimmed, in: rawLabel) { account = rest }
            }
        }

        // OTPClient writes Steam as `totp` with `digits=5` and issuer Steam (no encoder);
        // no TOTP has 5 digits (the model's range is 6–10), so this can only mean Steam.
        if kind == .totp, issuer.lowercased() == "steam", try parameters.number("digits") == 5 {
            kind = .steam
        }

        guard let secretText = try parameters.text("secret") else { throw .emptySecret }
        let secret = try Base32.decode(secretText)
        guard !secret.isEmpty else { throw .emptySecret }

        var token = OTPToken(kind: kind, secret: secret, issuer: issuer, account: account)
        if kind != .steam {
            if let name = try parameters.text("algorithm") {
                guard let algorithm = OTPAlgorithm(lenient: name) else {
                    throw .unknownAlgorithm(excerpt(name.utf8))
                }
                token.algorithm = algorithm
            }
            if let digits = try parameters.number("digits") {
                guard digits <= UInt64(Int.max) else {
                    throw .invalidParameter(name: "digits", value: String(digits))
                }
                token.digits = Int(digits)
            }
        }
        switch kind {
        case .totp:
            if let period = try parameters.number("period") {
                guard period <= UInt64(Int.max) else {
                    throw .invalidParameter(name: "period", value: String(period))
                }
                token.period = Int(period)
            }
        case .hotp:
            guard let counter = try parameters.number("counter") else { throw .missingCounter }
            token.counter = counter
        case .steam:
            break
        }
        // Ranges (digits 6–10, period 1 s – 1 h) are the model's policy, checked once there.
        try token.validate()
        return token
    }

    // MARK: - Parts

    /// `totp`, `hotp` or `steam`, case-insensitive.
    static func parseType(_ raw: ArraySlice<UInt8>) throws(OTPError) -> OTPKind {
        // Compared as bytes: a hostile "type" is rejected without building a string of it.
        for kind in OTPKind.allCases {
            let name = Array(kind.rawValue.utf8)
            if raw.count == name.count && zip(raw, name).allSatisfy({ asciiLowercased($0) == $1 }) {
                return kind
            }
        }
        throw .unknownType(excerpt(raw))
    }

    /// Splits the label into issuer prefix and account (Key URI format, "Label").
    ///
    /// A literal `:` is the separator, so a `%3A` inside an issuer survives; only a
    /// label with no literal colon is split at its first encoded one, which is how
    /// apps that encode the separator write it.
    static func parseLabel(_ raw: ArraySlice<UInt8>) throws(OTPError) -> (issuer: String, account: String) {
        let issuerPart: String
        let accountPart: String
        if let colon = raw.firstIndex(of: UInt8(ascii: ":")) {
            issuerPart = try PercentEncoding.decodeText(raw[..<colon], plusIsSpace: false, part: "the label")
            accountPart = try PercentEncoding.decodeText(raw[(colon + 1)...], plusIsSpace: false, part: "the label")
        } else {
            let label = try PercentEncoding.decodeText(raw, plusIsSpace: false, part: "the label")
            if let colon = label.utf8.firstIndex(of: UInt8(ascii: ":")) {
                issuerPart = String(label[..<colon])
                accountPart = String(label[label.utf8.index(after: colon)...])
            } else {
                issuerPart = ""
                accountPart = label
            }
        }
        return (
            try checkedName(issuerPart, part: "the label"),
            try checkedName(accountPart, part: "the label")
        )
    }

    /// The account when the decoded label is `issuer`, optional spaces, a colon (literal
    /// or `%3A`), then the account; nil when the label does not start that way.
    ///
    /// This runs before the first-colon split wins: an issuer that itself holds a colon
    /// (`Corp%3A%20Inc%3Aops` with `issuer=Corp: Inc`) would otherwise leave half of
    /// the issuer in the account. The match is exact (case-sensitive), after trimming.
    static func accountAfterIssuer(_ issuer: String, in raw: ArraySlice<UInt8>) throws(OTPError) -> String? {
        let label = try PercentEncoding.decodeText(raw, plusIsSpace: false, part: "the label")
        let trimmed = trimmingWhitespace(label)
        guard trimmed.hasPrefix(issuer) else { return nil }
        let afterIssuer = trimmed.dropFirst(issuer.count).drop(while: { $0.isWhitespace })
        guard afterIssuer.first == ":" else { return nil }
        return try checkedName(String(afterIssuer.dropFirst()), part: "the label")
    }

    /// Trims whitespace and refuses control characters in an issuer or account name.
    static func checkedName(_ text: String, part: String) throws(OTPError) -> String {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .malformedURI("\(part) contains a control character")
        }
        return trimmingWhitespace(text)
    }

    // MARK: - Small helpers

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    static func trimmingASCIIWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    static func trimmingWhitespace(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }

    /// At most 64 characters of untrusted bytes, for an error value: errors stay small
    /// however large the input (``OTPError`` escapes control characters when shown).
    static func excerpt<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let text = String(decoding: bytes.prefix(256), as: UTF8.self)
        return text.count > 64 ? String(text.prefix(64)) + "…" : text
    }

    /// True when `needle` (lower-case ASCII) occurs in `haystack`, ignoring ASCII case.
    /// At most `needle.count` comparisons per byte: linear for a fixed needle.
    static func containsCaseInsensitive(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var start = haystack.startIndex
        while start + needle.count <= haystack.endIndex {
            if zip(haystack[start...], needle).allSatisfy({ asciiLowercased($0) == $1 }) { return true }
            start += 1
        }
        return false
    }
}

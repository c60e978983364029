/// The kind of one-time password a token produces.
public enum OTPKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Time-based (RFC 6238).
    case totp
    /// Counter-based (RFC 4226).
    case hotp
    /// Steam Guard: TOTP with SHA1, 30 s, five characters from Steam's alphabet.
    case steam
}

/// The HMAC hash function a token uses.
public enum OTPAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// HMAC-SHA-1: RFC 4226's original and still the Key URI default.
    case sha1 = "SHA1"
    /// HMAC-SHA-256 (RFC 6238 §1.2).
    case sha256 = "SHA256"
    /// HMAC-SHA-512 (RFC 6238 §1.2).
    case sha512 = "SHA512"

    /// Parses `SHA1`, `sha-256`, `SHA512` and similar spellings, case-insensitively.
    public init?(lenient text: String) {
        // Bounded first, so a hostile megabyte "algorithm" is not upper-cased just to fail.
        guard text.utf8.count <= 16 else { return nil }
        let folded = String(text.uppercased().filter { $0 != "-" })
        self.init(rawValue: folded)
    }
}

/// One two-factor token: everything needed to produce its codes, plus the person's labels.
///
/// The model is plain data; `validate()` enforces the ranges Twofold supports
/// (DESIGN.md, TwofoldOTP): 6–10 digits (Steam: 5 characters), periods of 1 s to 1 h.
public struct OTPToken: Sendable, Hashable, Codable {
    /// Kind of code: TOTP, HOTP or Steam.
    public var kind: OTPKind
    /// The shared secret, raw bytes (Base32-decoded).
    public var secret: [UInt8]
    /// Who issued the token ("GitHub"); may be empty.
    public var issuer: String
    /// The account name at the issuer ("alice@example.com"); may be empty.
    public var account: String
    /// HMAC hash function.
    public var algorithm: OTPAlgorithm
    /// Number of digits (Steam: characters) in a code.
    public var digits: Int
    /// Time step in seconds (TOTP and Steam).
    public var period: Int
    /// Initial moving factor (HOTP): the counter of the first code.
    public var counter: UInt64
    /// Free-form labels, in the order the person gave them.
    public var tags: [String]
    /// A free-form note.
    public var note: String

    /// Allowed digits for TOTP and HOTP codes.
    public static let digitsRange = 6...10
    /// Allowed TOTP periods in seconds.
    public static let periodRange = 1...3600
    /// Steam Guard codes always have five characters.
    public static let steamDigits = 5

    /// Creates a token. Defaults follow the Key URI format: SHA1, 6 digits, 30 s.
    public init(
        kind: OTPKind,
        secret: [UInt8],
        issuer: String = "",
        account: String = "",
        algorithm: OTPAlgorithm = .sha1,
        digits: Int? = nil,
        period: Int = 30,
        counter: UInt64 = 0,
        tags: [String] = [],
        note: String = ""
    ) {
        self.kind = kind
        self.secret = secret
        self.issuer = issuer
        self.account = account
        self.algorithm = kind == .steam ? .sha1 : algorithm
        self.digits = digits ?? (kind == .steam ? OTPToken.steamDigits : 6)
        self.period = kind == .hotp ? 30 : period
        self.counter = kind == .hotp ? counter : 0
        self.tags = tags
        self.note = note
    }

    /// `Issuer:Account`, or whichever of the two is not empty.
    public var label: String {
        switch (issuer.isEmpty, account.isEmpty) {
        case (false, false): return "\(issuer):\(account)"
        case (false, true): return issuer
        default: return account
        }
    }

    /// Throws ``OTPError`` when a field is outside what Twofold supports.
    public func validate() throws(OTPError) {
        if secret.isEmpty { throw .emptySecret }
        switch kind {
        case .steam:
            if digits != OTPToken.steamDigits { throw .digitsOutOfRange(digits) }
            if period != 30 { throw .periodOutOfRange(period) }
        case .totp:
            if !OTPToken.digitsRange.contains(digits) { throw .digitsOutOfRange(digits) }
            if !OTPToken.periodRange.contains(period) { throw .periodOutOfRange(period) }
        case .hotp:
            if !OTPToken.digitsRange.contains(digits) { throw .digitsOutOfRange(digits) }
        }
    }

    /// True when `other` produces the same codes: same kind, secret and parameters.
    /// Labels, tags and notes do not count. Used to skip duplicates on add and import.
    public func generatesSameCodes(as other: OTPToken) -> Bool {
        kind == other.kind && secret == other.secret && algorithm == other.algorithm
            && digits == other.digits && (kind == .hotp || period == other.period)
    }
}

import TwofoldOTP

/// The plaintext of a token record, format version 1 (Protocol/crypto.md, "Token payload").
///
/// `0x01` then fields `tag (u8) || length (u16 BE) || value`, tags ascending; tag 10
/// (one label) may repeat. Readers reject unknown tags, repeats, bad lengths and trailing
/// bytes, so one token has exactly one encoding.
public enum TokenPayload {
    /// Payload format byte.
    public static let formatVersion: UInt8 = 1
    /// Longest secret accepted, in bytes.
    public static let maximumSecretLength = 1024

    enum Field: UInt8 {
        case type = 1, secret, issuer, account, algorithm, digits, period, counter, note, tag
    }

    /// Encodes a token. Fields that do not apply to its kind are omitted.
    public static func encode(_ token: OTPToken) -> [UInt8] {
        var w = ByteWriter(capacity: 128)
        w.append(formatVersion)
        func field(_ f: Field, _ value: [UInt8]) {
            w.append(f.rawValue)
            w.append(UInt16(value.count))
            w.append(value)
        }
        field(.type, [typeCode(token.kind)])
        field(.secret, token.secret)
        if !token.issuer.isEmpty { field(.issuer, Array(token.issuer.utf8.prefix(0xffff))) }
        if !token.account.isEmpty { field(.account, Array(token.account.utf8.prefix(0xffff))) }
        field(.algorithm, [algorithmCode(token.algorithm)])
        field(.digits, [UInt8(clamping: token.digits)])
        if token.kind != .hotp { field(.period, bigEndian(UInt64(token.period), width: 4)) }
        if token.kind == .hotp { field(.counter, bigEndian(token.counter, width: 8)) }
        if !token.note.isEmpty { field(.note, Array(token.note.utf8.prefix(0xffff))) }
        for tag in token.tags { field(.tag, Array(tag.utf8.prefix(0xffff))) }
        return w.bytes
    }

    /// Decodes a token payload; the result is validated (``OTPToken/validate()``).
    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> OTPToken {
        var fields = Fields()
        try scan(bytes) { (field, value) throws(ProtocolError) in
            switch field {
            case .type: fields.type = value
            case .secret: fields.secret = value
            case .issuer: fields.issuer = value
            case .account: fields.account = value
            case .algorithm: fields.algorithm = value
            case .digits: fields.digits = value
            case .period: fields.period = value
            case .counter: fields.counter = value
            case .note: fields.note = value
            case .tag: fields.tags.append(value)
            }
        }
        return try build(fields)
    }

    /// Only the issuer and account of a payload, for matching a query against thousands
    /// of tokens without building each one (the layout is still checked in full).
    public static func decodeLabels(_ bytes: [UInt8]) throws(ProtocolError) -> (issuer: String, account: String) {
        var issuer = ""
        var account = ""
        try scan(bytes) { (field, value) throws(ProtocolError) in
            if field == .issuer { issuer = try text(value, "issuer") }
            if field == .account { account = try text(value, "account") }
        }
        return (issuer, account)
    }

    /// Walks the fields, enforcing the canonical layout: known tags, ascending, only
    /// tag 10 repeated, lengths within the payload, no trailing bytes.
    private static func scan(
        _ bytes: [UInt8], _ visit: (Field, ArraySlice<UInt8>) throws(ProtocolError) -> Void
    ) throws(ProtocolError) {
        guard let version = bytes.first else { throw .malformed(what: "token payload", reason: "empty") }
        guard version == formatVersion else { throw .unsupportedVersion(what: "token payload", version: version) }
        var offset = 1
        var lastTag: UInt8 = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 3 else { throw .malformed(what: "token payload", reason: "truncated field header") }
            let raw = bytes[offset]
            guard let field = Field(rawValue: raw) else {
                throw .malformed(what: "token payload", reason: "unknown field \(raw)")
            }
            guard raw > lastTag || (field == .tag && lastTag == raw) else {
                throw .malformed(what: "token payload", reason: "field \(raw) out of order or repeated")
            }
            lastTag = raw
            let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            offset += 3
            guard length <= bytes.count - offset else { throw .malformed(what: "token payload", reason: "field \(raw) truncated") }
            // Issuer, account and note are omitted when empty, never written empty: an empty
            // one would be a second encoding of the same token [CRY-6].
            guard length > 0 || !(field == .issuer || field == .account || field == .note) else {
                throw .malformed(what: "token payload", reason: "field \(raw) is empty; an empty \(field) is omitted")
            }
            try visit(field, bytes[offset..<offset + length])
            offset += length
        }
    }

    private struct Fields {
        var type, secret, issuer, account, algorithm, digits, period, counter, note: ArraySlice<UInt8>?
        var tags: [ArraySlice<UInt8>] = []
    }

    private static func build(_ v: Fields) throws(ProtocolError) -> OTPToken {
        guard let typeBytes = v.type, typeBytes.count == 1, let kind = kind(typeBytes.first!) else {
            throw .malformed(what: "token payload", reason: "missing or unknown type")
        }
        guard let secret = v.secret, (1...maximumSecretLength).contains(secret.count) else {
            throw .malformed(what: "token payload", reason: "missing secret or bad length")
        }
        guard let alg = v.algorithm, alg.count == 1, let algorithm = algorithm(alg.first!) else {
            throw .malformed(what: "token payload", reason: "missing or unknown algorithm")
        }
        // Steam codes are HMAC-SHA-1 only, and the token model forces that, so any other
        // algorithm byte would decode to a token that encodes differently: a second
        // encoding [CRY-6] (found by the `payload` fuzz target).
        guard kind != .steam || algorithm == .sha1 else {
            throw .malformed(what: "token payload", reason: "a Steam token's algorithm must be SHA-1")
        }
        guard let digits = v.digits, digits.count == 1 else {
            throw .malformed(what: "token payload", reason: "missing digits")
        }
        var period = 30
        var counter: UInt64 = 0
        if kind == .hotp {
            guard let c = v.counter, c.count == 8, v.period == nil else {
                throw .malformed(what: "token payload", reason: "hotp needs a counter and no period")
            }
            counter = c.reduce(0) { $0 << 8 | UInt64($1) }
        } else {
            guard let p = v.period, p.count == 4, v.counter == nil else {
                throw .malformed(what: "token payload", reason: "\(kind.rawValue) needs a period and no counter")
            }
            period = Int(p.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        var tags: [String] = []
        for tag in v.tags { tags.append(try text(tag, "tag")) }
        let token = OTPToken(
            kind: kind, secret: Array(secret),
            issuer: try v.issuer.map { (b) throws(ProtocolError) in try text(b, "issuer") } ?? "",
            account: try v.account.map { (b) throws(ProtocolError) in try text(b, "account") } ?? "",
            algorithm: algorithm, digits: Int(digits.first!), period: period, counter: counter,
            tags: tags,
            note: try v.note.map { (b) throws(ProtocolError) in try text(b, "note") } ?? "")
        do { try token.validate() } catch {
            throw .malformed(what: "token payload", reason: error.description)
        }
        return token
    }

    private static func text(_ bytes: ArraySlice<UInt8>, _ name: String) throws(ProtocolError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(what: "token payload", reason: "\(name) is not UTF-8")
        }
        return s
    }

    private static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }

    private static func typeCode(_ kind: OTPKind) -> UInt8 {
        switch kind { case .totp: 1; case .hotp: 2; case .steam: 3 }
    }

    private static func kind(_ code: UInt8) -> OTPKind? {
        switch code { case 1: .totp; case 2: .hotp; case 3: .steam; default: nil }
    }

    private static func algorithmCode(_ a: OTPAlgorithm) -> UInt8 {
        switch a { case .sha1: 1; case .sha256: 2; case .sha512: 3 }
    }

    private static func algorithm(_ code: UInt8) -> OTPAlgorithm? {
        switch code { case 1: .sha1; case 2: .sha256; case 3: .sha512; default: nil }
    }
}

import TwofoldCrypto

/// A relay challenge: a fresh, self-authenticating value a device signs to prove it holds
/// a key (Protocol/relay-api.md, "Challenges").
///
///     challenge = 0x01 || purpose || expires_at_ms (u64) || nonce (16) || tag (16)      (42 bytes)
///     tag       = BLAKE2b-128(key = relay_secret, "twofold/challenge/v1" || challenge[0..<26])
///
/// The tag lets any replica check that the relay issued the challenge without storing it;
/// only *used* challenges are recorded (``ChallengeLedger``), until they expire.
public struct AuthChallenge: Hashable, Sendable {
    /// What a challenge may be used for; a challenge for one purpose is refused for the other.
    public enum Purpose: UInt8, Sendable, CaseIterable {
        /// Device sign-in (`POST /v1/auth/token`) and account creation (`POST /v1/accounts`).
        case device = 1
        /// Recovery with the recovery key or passphrase (`POST /v1/recovery/claim`).
        case recovery = 2

        /// The name used in JSON (`"device"`, `"recovery"`).
        public var name: String { self == .device ? "device" : "recovery" }

        /// Parses the JSON name.
        public init?(name: String) {
            switch name {
            case "device": self = .device
            case "recovery": self = .recovery
            default: return nil
            }
        }
    }

    /// Format byte.
    public static let formatVersion: UInt8 = 1
    /// Total length in bytes.
    public static let length = 42
    /// Length of the random nonce.
    public static let nonceLength = 16
    /// Length of the tag.
    public static let tagLength = 16
    /// Lifetime the relay gives a challenge: 60 seconds.
    public static let defaultLifetimeMilliseconds: UInt64 = 60_000
    /// Domain label of the tag.
    public static let tagLabel = "twofold/challenge/v1"

    /// The purpose it was issued for.
    public let purpose: Purpose
    /// Unix milliseconds from which it is refused.
    public let expiresAtMilliseconds: UInt64
    /// 16 random bytes; the key under which a used challenge is recorded.
    public let nonce: [UInt8]
    /// The relay's tag over the other fields.
    public let tag: [UInt8]

    /// Issues a challenge at `nowMilliseconds`; `nonce` is random unless given (vectors).
    public static func issue(
        purpose: Purpose, nowMilliseconds: UInt64, secret: RelaySecret,
        lifetimeMilliseconds: UInt64 = defaultLifetimeMilliseconds,
        nonce: [UInt8] = SecureRandom.bytes(nonceLength)
    ) -> AuthChallenge {
        precondition(nonce.count == nonceLength, "a challenge nonce is 16 bytes")
        let expires = nowMilliseconds + lifetimeMilliseconds
        let body = Self.body(purpose: purpose, expires: expires, nonce: nonce)
        return AuthChallenge(purpose: purpose, expiresAtMilliseconds: expires, nonce: nonce,
                             tag: secret.mac(label: tagLabel, body, length: tagLength))
    }

    private init(purpose: Purpose, expiresAtMilliseconds: UInt64, nonce: [UInt8], tag: [UInt8]) {
        self.purpose = purpose
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.nonce = nonce
        self.tag = tag
    }

    /// Parses the 42 bytes; checks only the layout (``verify(secret:purpose:nowMilliseconds:)`` checks the rest).
    public init(bytes: [UInt8]) throws(ProtocolError) {
        guard bytes.count == Self.length else {
            throw .malformed(what: "challenge", reason: "\(bytes.count) bytes instead of \(Self.length)")
        }
        var reader = ByteReader(bytes, what: "challenge")
        let version = try reader.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(what: "challenge", version: version) }
        let rawPurpose = try reader.readUInt8()
        guard let purpose = Purpose(rawValue: rawPurpose) else {
            throw .malformed(what: "challenge", reason: "unknown purpose \(rawPurpose)")
        }
        let expires = try reader.readUInt64()
        let nonce = try reader.read(count: Self.nonceLength)
        let tag = try reader.read(count: Self.tagLength)
        try reader.expectEnd()
        self.init(purpose: purpose, expiresAtMilliseconds: expires, nonce: nonce, tag: tag)
    }

    /// Parses the base64url text form used in JSON.
    public init(text: String) throws(ProtocolError) {
        guard let bytes = Base64URL.decode(text) else {
            throw .malformed(what: "challenge", reason: "not canonical unpadded base64url")
        }
        try self.init(bytes: bytes)
    }

    /// The 42 bytes.
    public var bytes: [UInt8] {
        Self.body(purpose: purpose, expires: expiresAtMilliseconds, nonce: nonce) + tag
    }

    /// The base64url text form used in JSON.
    public var text: String { Base64URL.encode(bytes) }

    /// Checks, in this order, that this relay issued it (tag, constant time), that it is
    /// for `purpose`, and that it has not expired at `nowMilliseconds`. Single use is the
    /// ledger's job and comes after the signature check (Protocol/relay-api.md, "Challenges").
    public func verify(secret: RelaySecret, purpose expected: Purpose, nowMilliseconds: UInt64) throws(ProtocolError) {
        let body = Self.body(purpose: purpose, expires: expiresAtMilliseconds, nonce: nonce)
        guard ConstantTime.equals(secret.mac(label: Self.tagLabel, body, length: Self.tagLength), tag) else {
            throw .authenticationFailed(what: "challenge")
        }
        guard purpose == expected else { throw .wrongPurpose(what: "challenge") }
        guard nowMilliseconds < expiresAtMilliseconds else { throw .expired(what: "challenge") }
    }

    private static func body(purpose: Purpose, expires: UInt64, nonce: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: length)
        writer.append(formatVersion)
        writer.append(purpose.rawValue)
        writer.append(expires)
        writer.append(nonce)
        return writer.bytes
    }
}

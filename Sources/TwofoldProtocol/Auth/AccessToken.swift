import TwofoldCrypto

/// A stateless bearer token the relay issues after a device signs a challenge
/// (Protocol/relay-api.md, "Access tokens").
///
///     token = 0x01 || account_id (16) || device_id (16) || issued_at_ms (u64) || expires_at_ms (u64) || mac (32)
///     mac   = BLAKE2b-256(key = relay_secret, "twofold/access-token/v1" || token[0..<49])
///     text  = "tfa1." || base64url(token)                                              (113 characters)
///
/// Any replica that holds the relay secret verifies it without a store round trip. It says
/// who the bearer is, not whether the device is still allowed in: the relay checks the
/// device's status on every request, so a revocation takes effect before the token expires.
public struct AccessToken: Hashable, Sendable {
    /// Format byte, also the digit in the text prefix.
    public static let formatVersion: UInt8 = 1
    /// Text prefix of version 1.
    public static let prefix = "tfa1."
    /// Length of the token bytes.
    public static let length = 81
    /// Length of the MAC.
    public static let macLength = 32
    /// Lifetime the relay gives a token: 15 minutes.
    public static let defaultLifetimeMilliseconds: UInt64 = 15 * 60_000
    /// Domain label of the MAC.
    public static let macLabel = "twofold/access-token/v1"

    /// The account the bearer acts for.
    public let accountID: AccountID
    /// The device the bearer is.
    public let deviceID: DeviceID
    /// Unix milliseconds at issue (for logs and metrics; not checked).
    public let issuedAtMilliseconds: UInt64
    /// Unix milliseconds from which it is refused.
    public let expiresAtMilliseconds: UInt64
    /// The relay's MAC over the other fields.
    public let mac: [UInt8]

    /// Issues a token for a device that has just redeemed a challenge.
    public static func issue(
        accountID: AccountID, deviceID: DeviceID, nowMilliseconds: UInt64, secret: RelaySecret,
        lifetimeMilliseconds: UInt64 = defaultLifetimeMilliseconds
    ) -> AccessToken {
        let expires = nowMilliseconds + lifetimeMilliseconds
        let body = Self.body(accountID: accountID, deviceID: deviceID, issued: nowMilliseconds, expires: expires)
        return AccessToken(accountID: accountID, deviceID: deviceID, issuedAtMilliseconds: nowMilliseconds,
                           expiresAtMilliseconds: expires, mac: secret.mac(label: macLabel, body, length: macLength))
    }

    private init(accountID: AccountID, deviceID: DeviceID, issuedAtMilliseconds: UInt64,
                 expiresAtMilliseconds: UInt64, mac: [UInt8]) {
        self.accountID = accountID
        self.deviceID = deviceID
        self.issuedAtMilliseconds = issuedAtMilliseconds
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.mac = mac
    }

    /// Parses the 81 token bytes; checks only the layout.
    public init(bytes: [UInt8]) throws(ProtocolError) {
        guard let version = bytes.first else { throw .malformed(what: "access token", reason: "empty") }
        guard version == Self.formatVersion else { throw .unsupportedVersion(what: "access token", version: version) }
        guard bytes.count == Self.length else {
            throw .malformed(what: "access token", reason: "\(bytes.count) bytes instead of \(Self.length)")
        }
        var reader = ByteReader(bytes, what: "access token")
        _ = try reader.readUInt8()
        let account = try AccountID(bytes: try reader.read(count: AccountID.length))
        let device = try DeviceID(bytes: try reader.read(count: DeviceID.length))
        let issued = try reader.readUInt64()
        let expires = try reader.readUInt64()
        let mac = try reader.read(count: Self.macLength)
        try reader.expectEnd()
        self.init(accountID: account, deviceID: device, issuedAtMilliseconds: issued,
                  expiresAtMilliseconds: expires, mac: mac)
    }

    /// Parses the text form (the `Authorization: Bearer` value); checks only the layout.
    ///
    /// `tfa<digits>.` with other digits is an unknown version; anything else is malformed.
    public init(text: String) throws(ProtocolError) {
        guard text.hasPrefix(Self.prefix) else {
            if let version = Self.versionInPrefix(text) {
                throw .unsupportedVersion(what: "access token", version: version)
            }
            throw .malformed(what: "access token", reason: "does not start with \(Self.prefix)")
        }
        guard let bytes = Base64URL.decode(text.dropFirst(Self.prefix.count)) else {
            throw .malformed(what: "access token", reason: "not canonical unpadded base64url")
        }
        try self.init(bytes: bytes)
    }

    /// The 81 token bytes.
    public var bytes: [UInt8] {
        Self.body(accountID: accountID, deviceID: deviceID, issued: issuedAtMilliseconds,
                  expires: expiresAtMilliseconds) + mac
    }

    /// The text form sent as `Authorization: Bearer <text>`.
    public var text: String { Self.prefix + Base64URL.encode(bytes) }

    /// Checks the MAC (constant time), then the expiry: an expired token is reported as
    /// expired only when the relay really issued it.
    public func verify(secret: RelaySecret, nowMilliseconds: UInt64) throws(ProtocolError) {
        let body = Self.body(accountID: accountID, deviceID: deviceID, issued: issuedAtMilliseconds,
                             expires: expiresAtMilliseconds)
        guard ConstantTime.equals(secret.mac(label: Self.macLabel, body, length: Self.macLength), mac) else {
            throw .authenticationFailed(what: "access token")
        }
        guard nowMilliseconds < expiresAtMilliseconds else { throw .expired(what: "access token") }
    }

    /// Parses and verifies a bearer value in one step: what a replica does per request.
    public static func verified(text: String, secret: RelaySecret, nowMilliseconds: UInt64) throws(ProtocolError) -> AccessToken {
        let token = try AccessToken(text: text)
        try token.verify(secret: secret, nowMilliseconds: nowMilliseconds)
        return token
    }

    private static func body(accountID: AccountID, deviceID: DeviceID, issued: UInt64, expires: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: length)
        writer.append(formatVersion)
        writer.append(accountID.bytes)
        writer.append(deviceID.bytes)
        writer.append(issued)
        writer.append(expires)
        return writer.bytes
    }

    /// The version digits of a `tfa<digits>.` prefix, if `text` has one.
    private static func versionInPrefix(_ text: String) -> UInt8? {
        guard text.hasPrefix("tfa"), let dot = text.firstIndex(of: ".") else { return nil }
        let digits = text[text.index(text.startIndex, offsetBy: 3)..<dot]
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return nil
        }
        return UInt8(digits)
    }
}

import TwofoldCrypto

/// Phantom tags that keep account, device and record ids from being mixed up.
public enum AccountTag {}
/// See ``AccountTag``.
public enum DeviceTag {}
/// See ``AccountTag``.
public enum RecordTag {}

/// A 16-byte random identifier; text form is 32 lowercase hex digits (Protocol/crypto.md, "Identifiers").
public struct TwofoldID<Tag>: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Length of every identifier in bytes.
    public static var length: Int { 16 }
    /// The 16 bytes.
    public let bytes: [UInt8]

    /// Wraps 16 bytes; throws for any other length.
    public init(bytes: [UInt8]) throws(ProtocolError) {
        guard bytes.count == Self.length else {
            throw .malformed(what: "identifier", reason: "\(bytes.count) bytes instead of 16")
        }
        self.bytes = bytes
    }

    /// Parses the canonical text form: exactly 32 lowercase hex digits (relay-api.md
    /// [API-1]; writers never produce upper case, so readers need not accept it).
    public init(hex: String) throws(ProtocolError) {
        guard hex.utf8.allSatisfy({ !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }),
              let bytes = Hex.decode(hex), bytes.count == Self.length
        else { throw .invalidIdentifier(hex) }
        self.bytes = bytes
    }

    /// A fresh random identifier.
    public static func random() -> TwofoldID {
        // SecureRandom always returns 16 bytes here, so the initializer cannot fail.
        try! TwofoldID(bytes: SecureRandom.bytes(length))
    }

    /// 32 lowercase hex digits.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: TwofoldID, rhs: TwofoldID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// An account (a vault shared by a person's devices).
public typealias AccountID = TwofoldID<AccountTag>
/// One device of an account.
public typealias DeviceID = TwofoldID<DeviceTag>
/// One record (a token, an HOTP counter, the roster).
public typealias RecordID = TwofoldID<RecordTag>

/// Lowercase hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex of either case; nil for odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = value(utf8[i]), let lo = value(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

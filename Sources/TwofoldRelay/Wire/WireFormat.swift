import TwofoldProtocol

/// The text encodings of the wire (Protocol/relay-api.md, "Conventions") [API-1].
enum WireFormat {
    /// Largest integer a JSON number carries here: 2^53 − 1.
    static let maxInteger: Int64 = 9_007_199_254_740_991
    /// Largest epoch: 2^32 − 1.
    static let maxEpoch: Int64 = 4_294_967_295

    /// Whether every byte is a lowercase hex digit.
    static func isLowerHex(_ s: some StringProtocol, count: Int) -> Bool {
        let u = s.utf8
        guard u.count == count else { return false }
        return u.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// An identifier from exactly 32 lowercase hex digits; nil otherwise (upper case too).
    static func id<Tag>(_ s: some StringProtocol, as: TwofoldID<Tag>.Type) -> TwofoldID<Tag>? {
        guard isLowerHex(s, count: 32) else { return nil }
        return try? TwofoldID<Tag>(hex: String(s))
    }

    /// A rendezvous id: 10 bytes as 20 lowercase hex digits.
    static func rendezvousID(_ s: some StringProtocol) -> [UInt8]? {
        guard isLowerHex(s, count: 20) else { return nil }
        return Hex.decode(String(s))
    }

    /// `<16 lowercase hex>.<32 lowercase hex>`.
    static func isVersion(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 49, u[16] == UInt8(ascii: ".") else { return false }
        return isLowerHex(String(decoding: u[0..<16], as: UTF8.self), count: 16)
            && isLowerHex(String(decoding: u[17...], as: UTF8.self), count: 32)
    }

    /// Unpadded base64url.
    static func b64(_ bytes: [UInt8]) -> JSONValue { .string(Base64URL.encode(bytes)) }
}

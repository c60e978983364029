import TwofoldCrypto

/// The relay's 32-byte authentication secret (Protocol/relay-api.md, "Relay secrets").
///
/// It keys the tags on challenges and the MACs on access tokens. The relay keeps it in its
/// store, so every replica that reads the store accepts what any other issued; replacing
/// it signs every device out (they sign in again with a fresh challenge).
public struct RelaySecret: Sendable {
    /// Length in bytes.
    public static let length = 32

    private let key: SecureBytes

    /// Wraps 32 secret bytes.
    public init(_ key: SecureBytes) throws(ProtocolError) {
        guard key.count == Self.length else {
            throw .malformed(what: "relay secret", reason: "\(key.count) bytes instead of \(Self.length)")
        }
        self.key = key
    }

    /// A fresh random secret (what `twofold-relay` writes into a new store).
    public static func generate() -> RelaySecret {
        // 32 random bytes always pass the length check.
        try! RelaySecret(SecureBytes.random(count: length))
    }

    /// `BLAKE2b-(8·length)(key = secret, label || data)`: the keyed hash behind every tag.
    ///
    /// Labels are ASCII, distinct, and none is a prefix of another, so a tag computed for
    /// one purpose never verifies for another.
    func mac(label: String, _ data: [UInt8], length: Int) -> [UInt8] {
        BLAKE2b.deriveSecret(Array(label.utf8) + data, key: key, outputLength: length).copyBytes()
    }
}

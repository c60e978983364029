/// A record as stored locally and on the relay: its header in the clear (authenticated)
/// and its sealed payload (Protocol/crypto.md, "Sealed record").
public struct SealedRecord: Hashable, Sendable {
    /// Authenticated metadata.
    public var header: RecordHeader
    /// `0x01 || nonce (24) || ciphertext || tag (16)`.
    public var sealed: [UInt8]

    /// Creates a record from its parts; use ``RecordCipher/seal(payload:header:key:)`` to make one.
    public init(header: RecordHeader, sealed: [UInt8]) {
        self.header = header
        self.sealed = sealed
    }

    /// Sealed-record format byte.
    public static let formatVersion: UInt8 = 1
}

import TwofoldCrypto

/// One device's HOTP counter for one token, format version 1 (Protocol/sync.md,
/// "HOTP counters"): `0x01 || token_record_id (16) || next_counter (u64 BE)`.
///
/// Each device writes only its own counter record, so counter records never conflict;
/// the next counter any device uses is the maximum over all of them and the token's
/// initial counter, so no counter is ever used twice once the records have synced.
public struct CounterPayload: Hashable, Sendable {
    /// The token this counter belongs to.
    public var token: RecordID
    /// The lowest counter this device has not used yet.
    public var next: UInt64

    /// Creates a payload.
    public init(token: RecordID, next: UInt64) {
        self.token = token
        self.next = next
    }

    /// Payload format byte.
    public static let formatVersion: UInt8 = 1

    /// `record_id = BLAKE2b-128("twofold/counter-id/v1" || token_record_id || device_id)`.
    public static func recordID(token: RecordID, device: DeviceID) -> RecordID {
        var w = ByteWriter(capacity: 56)
        w.append("twofold/counter-id/v1")
        w.append(token.bytes)
        w.append(device.bytes)
        // 16 bytes out of BLAKE2b always make a valid id.
        return try! RecordID(bytes: BLAKE2b.hash(w.bytes, outputLength: 16))
    }

    /// The payload bytes.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 25)
        w.append(Self.formatVersion)
        w.append(token.bytes)
        w.append(next)
        return w.bytes
    }

    /// Parses payload bytes.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var r = ByteReader(bytes, what: "hotp counter payload")
        let version = try r.readUInt8()
        guard version == Self.formatVersion else {
            throw .unsupportedVersion(what: "hotp counter payload", version: version)
        }
        token = try RecordID(bytes: try r.read(count: 16))
        next = try r.readUInt64()
        try r.expectEnd()
    }
}

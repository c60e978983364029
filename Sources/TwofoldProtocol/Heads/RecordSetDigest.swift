import TwofoldCrypto

/// The digest of a set of records' authenticated metadata, as a head commits to it
/// (Protocol/crypto.md, "Head").
///
/// `set_digest = crypto_generichash(32, "twofold/head-set/v1" || entry_1 || … || entry_n)`,
/// entries sorted by record_id, each
/// `record_id (16) || kind (1) || hlc (u64 BE) || version_device_id (16) || epoch (u32 BE) || deleted (1)`:
/// the record AD without its label and account id. Only metadata goes in, so a locked
/// daemon (and the relay) can compute it without any key.
public struct RecordSetDigest: Hashable, Sendable {
    /// Number of records in the set.
    public let count: UInt32
    /// The 32-byte digest.
    public let digest: [UInt8]

    /// Domain label of the digest input.
    public static let label = "twofold/head-set/v1"
    /// Length of one entry: 46 bytes.
    public static let entryLength = 46

    /// Digests `records`; each record id must appear once (callers pass a set keyed by id).
    public init(_ records: some Sequence<RecordHeader>) {
        let sorted = records.sorted { $0.id < $1.id }
        var w = ByteWriter(capacity: Self.label.utf8.count + sorted.count * Self.entryLength)
        w.append(Self.label)
        for header in sorted { w.append(Self.entry(header)) }
        count = UInt32(sorted.count)
        digest = BLAKE2b.hash(w.bytes, outputLength: 32)
    }

    /// One entry's bytes.
    public static func entry(_ header: RecordHeader) -> [UInt8] {
        var w = ByteWriter(capacity: entryLength)
        w.append(header.id.bytes)
        w.append(header.kind.rawValue)
        w.append(header.version.hlc)
        w.append(header.version.device.bytes)
        w.append(header.epoch)
        w.append(header.deleted ? UInt8(1) : UInt8(0))
        return w.bytes
    }
}

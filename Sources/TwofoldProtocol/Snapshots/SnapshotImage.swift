/// The plaintext of a snapshot: every record of the vault, still individually sealed
/// (Protocol/crypto.md, "Snapshot"):
///
/// `image = 0x01 || record_count (u32 BE) || entry*`, entries strictly ascending by record_id,
/// `entry = record_id (16) || kind (1) || hlc (u64 BE) || version_device_id (16) || epoch (u32 BE) || deleted (1) || sealed_len (u32 BE) || sealed`.
public enum SnapshotImage {
    /// Format byte.
    public static let formatVersion: UInt8 = 1

    /// Encodes `records` (all of one account and epoch), sorted by id.
    public static func encode(_ records: [SealedRecord]) -> [UInt8] {
        let sorted = records.sorted { $0.header.id < $1.header.id }
        var w = ByteWriter(capacity: 8 + sorted.reduce(0) { $0 + 50 + $1.sealed.count })
        w.append(formatVersion)
        w.append(UInt32(sorted.count))
        for record in sorted {
            w.append(RecordSetDigest.entry(record.header))
            w.append(UInt32(record.sealed.count))
            w.append(record.sealed)
        }
        return w.bytes
    }

    /// Decodes an image of `account`'s records; every record must carry `epoch`, ids must
    /// be strictly ascending, and nothing may trail.
    public static func decode(_ bytes: [UInt8], account: AccountID, epoch: UInt32) throws(ProtocolError) -> [SealedRecord] {
        var r = ByteReader(bytes, what: "snapshot image")
        let version = try r.readUInt8()
        guard version == formatVersion else { throw .unsupportedVersion(what: "snapshot image", version: version) }
        let count = Int(try r.readUInt32())
        guard count <= r.remaining / 50 else {
            throw .malformed(what: "snapshot image", reason: "\(count) records cannot fit in \(r.remaining) bytes")
        }
        var records: [SealedRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            let id = try RecordID(bytes: try r.read(count: 16))
            let rawKind = try r.readUInt8()
            guard let kind = RecordKind(rawValue: rawKind) else {
                throw .malformed(what: "snapshot image", reason: "record \(id) has unknown kind \(rawKind)")
            }
            let hlc = try r.readUInt64()
            let device = try DeviceID(bytes: try r.read(count: 16))
            let recordEpoch = try r.readUInt32()
            let deleted = try r.readUInt8()
            guard deleted <= 1 else {
                throw .malformed(what: "snapshot image", reason: "record \(id) has deleted flag \(deleted)")
            }
            let length = Int(try r.readUInt32())
            guard length > 0, length <= RecordCipher.maximumPayload * 2 else {
                throw .malformed(what: "snapshot image", reason: "record \(id) has length \(length)")
            }
            let sealed = try r.read(count: length)
            guard recordEpoch == epoch else {
                throw .malformed(what: "snapshot image", reason: "record \(id) is sealed under epoch \(recordEpoch), not \(epoch)")
            }
            if let last = records.last, !(last.header.id < id) {
                throw .malformed(what: "snapshot image", reason: "record \(id) out of order or repeated")
            }
            let header = RecordHeader(account: account, id: id, kind: kind,
                                      version: RecordVersion(hlc: hlc, device: device), epoch: recordEpoch, deleted: deleted == 1)
            records.append(SealedRecord(header: header, sealed: sealed))
        }
        try r.expectEnd()
        return records
    }
}

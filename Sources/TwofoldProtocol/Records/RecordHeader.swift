/// The authenticated metadata of a record: everything the relay and a locked daemon may
/// see and rely on, bound into the AEAD's associated data (Protocol/crypto.md, "Sealed record").
public struct RecordHeader: Hashable, Sendable {
    /// The account (vault) the record belongs to.
    public var account: AccountID
    /// The record's identifier.
    public var id: RecordID
    /// What the record holds.
    public var kind: RecordKind
    /// The version this ciphertext carries.
    public var version: RecordVersion
    /// The key epoch whose vault key sealed it.
    public var epoch: UInt32
    /// True for a tombstone (empty payload).
    public var deleted: Bool

    /// Creates a header.
    public init(account: AccountID, id: RecordID, kind: RecordKind, version: RecordVersion, epoch: UInt32, deleted: Bool) {
        self.account = account
        self.id = id
        self.kind = kind
        self.version = version
        self.epoch = epoch
        self.deleted = deleted
    }

    /// Domain separation label of record associated data, format version 1.
    public static let associatedDataLabel = "twofold/record/v1"

    /// `"twofold/record/v1" || account_id || record_id || kind || hlc (u64 BE) ||
    /// version_device_id || epoch (u32 BE) || deleted` (Protocol/crypto.md, "Record AD").
    public var associatedData: [UInt8] {
        var w = ByteWriter(capacity: 96)
        w.append(Self.associatedDataLabel)
        w.append(account.bytes)
        w.append(id.bytes)
        w.append(kind.rawValue)
        w.append(version.hlc)
        w.append(version.device.bytes)
        w.append(epoch)
        w.append(deleted ? UInt8(1) : UInt8(0))
        return w.bytes
    }
}

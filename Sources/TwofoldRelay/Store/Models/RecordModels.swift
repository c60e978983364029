import TwofoldProtocol

/// A sealed record as the relay stores it: one row per record, the latest version
/// (Protocol/relay-api.md, "Records").
public struct StoredRecord: Sendable, Equatable {
    /// The record id.
    public var recordID: RecordID
    /// 1 token, 2 HOTP counter, 3 roster.
    public var kind: Int64
    /// `<hlc hex>.<device id>`: the store compares it for equality (compare-and-swap);
    /// request parsing has already refused a write not newer than its expected version.
    public var version: String
    /// The key epoch it is sealed under.
    public var epoch: Int64
    /// Whether it is a tombstone.
    public var deleted: Bool
    /// The sealed bytes, exactly as received [API-20].
    public var sealed: [UInt8]
    /// The account seq of its last write.
    public var seq: Int64
}

/// One write of a batch: the full record and the version the writer last saw.
public struct RecordWrite: Sendable, Equatable {
    /// The record id.
    public var recordID: RecordID
    /// 1, 2 or 3.
    public var kind: Int64
    /// The new version.
    public var version: String
    /// Must be the account's epoch.
    public var epoch: Int64
    /// Tombstone flag.
    public var deleted: Bool
    /// Sealed bytes, starting with format byte 0x01.
    public var sealed: [UInt8]
    /// The stored version the writer expects; nil when it believes the record new.
    public var expectedVersion: String?
}

/// The head a batch publishes, compare-and-swap on its counter (Protocol/sync.md, "Heads").
public struct HeadWrite: Sendable, Equatable {
    /// `expected_counter + 1`, or 1 for the first head.
    public var counter: Int64
    /// The signed head bytes, stored as received.
    public var head: [UInt8]
    /// The stored head's counter the writer saw; nil before the first.
    public var expectedCounter: Int64?
    /// What the head says of the set after the write, read and signature-checked by the
    /// route (``HeadAdmission``); the store checks it inside the transaction [SYN-26].
    /// Nil only for heads written below the routes (store tests, ``RelayStoreCopy``).
    public var claim: HeadClaim? = nil
}

/// The head as stored: bytes, counter, signer and the seq of the batch that published it.
public struct StoredHead: Sendable, Equatable {
    /// Its counter.
    public var counter: Int64
    /// The device that pushed it.
    public var deviceID: DeviceID
    /// The signed bytes.
    public var head: [UInt8]
    /// The account's seq right after its batch.
    public var seq: Int64
}

/// One page of a pull (`GET /v1/records`).
public struct RecordPage: Sendable, Equatable {
    /// Records in strictly increasing seq order [API-18].
    public var records: [StoredRecord]
    /// The account's highest seq when the page was read.
    public var latestSeq: Int64
    /// Whether more records follow.
    public var more: Bool
    /// The account's epoch.
    public var epoch: Int64
    /// The head, on the last page only (read in the same transaction).
    public var head: StoredHead?
}

/// What a committed batch or rotation answers (`PushResult`).
public struct PushOutcome: Sendable, Equatable {
    /// The account's seq after the write.
    public var seq: Int64
    /// The account's epoch after the write.
    public var epoch: Int64
    /// The seq each record received, in request order.
    public var records: [(RecordID, Int64)]

    public static func == (a: PushOutcome, b: PushOutcome) -> Bool {
        a.seq == b.seq && a.epoch == b.epoch && a.records.map(\.0) == b.records.map(\.0) && a.records.map(\.1) == b.records.map(\.1)
    }
}

/// What to do with the passphrase in a rotation.
public enum PassphraseChange: Sendable, Equatable {
    /// Keep the current keys (absent in the request).
    case keep
    /// Remove the passphrase (`null`).
    case remove
    /// Replace or set it.
    case set(PassphraseKeys)
}

/// A key rotation to a new epoch (relay-api.md, "Rotation") [API-22].
public struct Rotation: Sendable {
    /// The epoch the rotating device saw.
    public var fromEpoch: Int64
    /// `fromEpoch + 1`.
    public var toEpoch: Int64
    /// Devices to revoke.
    public var revoke: [DeviceID]
    /// Every record re-sealed: id, unchanged version, new sealed bytes.
    public var records: [(recordID: RecordID, version: String, sealed: [UInt8])]
    /// New-epoch grants for exactly the remaining devices, recovery, and passphrase if set.
    public var grants: [GrantEntry]
    /// New recovery keys, or nil to keep them.
    public var recovery: AccountKeys?
    /// The passphrase change.
    public var passphrase: PassphraseChange
    /// The new head.
    public var head: HeadWrite
}

/// The storage quotas the store enforces inside its write transactions.
public struct StoreQuotas: Sendable, Equatable {
    /// Records per account, tombstones included.
    public var maxRecords: Int64
    /// Sealed record bytes per account.
    public var maxRecordBytes: Int64
    /// Snapshots per account.
    public var maxSnapshots: Int64
    /// Sealed snapshot bytes per account.
    public var maxSnapshotBytes: Int64

    /// Creates quotas.
    public init(maxRecords: Int64, maxRecordBytes: Int64, maxSnapshots: Int64, maxSnapshotBytes: Int64) {
        self.maxRecords = maxRecords
        self.maxRecordBytes = maxRecordBytes
        self.maxSnapshots = maxSnapshots
        self.maxSnapshotBytes = maxSnapshotBytes
    }
}

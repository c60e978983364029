import TwofoldProtocol

/// A record waiting in the outbox, with the version this device last saw on the relay
/// (`expected_version`, Protocol/relay-api.md, "Records"); nil for a record the relay
/// has never had.
public struct PendingWrite: Sendable, Equatable {
    /// The local copy, sealed, as it will be sent.
    public var record: SealedRecord
    /// The relay's version when this device last looked.
    public var expectedVersion: RecordVersion?

    /// Creates an entry.
    public init(record: SealedRecord, expectedVersion: RecordVersion?) {
        self.record = record
        self.expectedVersion = expectedVersion
    }
}

/// A record as pulled from the relay: the sealed copy and the seq it was stored under.
public struct PulledRecord: Sendable, Equatable {
    /// The relay's copy, header and sealed bytes.
    public var record: SealedRecord
    /// Its relay seq.
    public var seq: UInt64

    /// Creates an entry.
    public init(record: SealedRecord, seq: UInt64) {
        self.record = record
        self.seq = seq
    }
}

/// Everything one pull brought (every page up to the last), applied as one unit
/// (Protocol/sync.md, "Applying a pull").
public struct PulledSet: Sendable, Equatable {
    /// The records of every page, in the order received.
    public var records: [PulledRecord]
    /// The relay's highest seq when the last page was read.
    public var latestSeq: UInt64
    /// The account's epoch, as the relay says.
    public var epoch: UInt32
    /// The signed head served with the last page; nil before the account's first push.
    public var head: SignedHead?

    /// Creates a set.
    public init(records: [PulledRecord], latestSeq: UInt64, epoch: UInt32, head: SignedHead?) {
        self.records = records
        self.latestSeq = latestSeq
        self.epoch = epoch
        self.head = head
    }
}

/// What applying a pull did.
public struct PullOutcome: Sendable, Equatable {
    /// Records whose local copy was replaced by the relay's (it won the merge).
    public var updated: Int
    /// Pulled records that lost to a local change still waiting in the outbox.
    public var keptLocal: Int
    /// True when the pulled records were authenticated (the vault was unlocked).
    public var authenticated: Bool
    /// Tokens whose local change was merged field by field with a new relay copy
    /// (Protocol/sync.md, "Concurrent edits").
    public var merged: Int
    /// Fields of local changes those merges set aside as conflicts.
    public var conflicts: Int
    /// New relay copies a locked pull held back, unmerged, beside a local change.
    public var held: Int

    /// Creates an outcome.
    public init(updated: Int, keptLocal: Int, authenticated: Bool, merged: Int = 0, conflicts: Int = 0, held: Int = 0) {
        self.updated = updated
        self.keptLocal = keptLocal
        self.authenticated = authenticated
        self.merged = merged
        self.conflicts = conflicts
        self.held = held
    }
}

/// The next writes to push and the relay's record set as it will be once they are
/// accepted: what the new head must describe (Protocol/sync.md, "Pushing").
public struct OutboxBatch: Sendable {
    /// Up to the batch limit, the roster first.
    public var writes: [PendingWrite]
    /// The relay's record set after these writes, one header per record.
    public var setAfter: [RecordHeader]
    /// The newest head this device accepted: the new head's `expected_counter`.
    public var previousHead: SignedHead?
    /// The epoch new heads are signed for.
    public var epoch: UInt32
    /// Outbox entries in total, this batch included.
    public var pendingTotal: Int

    /// Creates a batch.
    public init(writes: [PendingWrite], setAfter: [RecordHeader], previousHead: SignedHead?, epoch: UInt32, pendingTotal: Int) {
        self.writes = writes
        self.setAfter = setAfter
        self.previousHead = previousHead
        self.epoch = epoch
        self.pendingTotal = pendingTotal
    }
}

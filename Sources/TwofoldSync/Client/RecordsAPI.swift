import TwofoldProtocol
import TwofoldVault

/// What the sync engine needs from a relay: pull pages and push batches
/// (Protocol/relay-api.md, "Records"). ``RecordsAPI`` speaks HTTP; tests use an
/// in-memory relay.
public protocol RecordTransport: Sendable {
    /// `GET /v1/records?after=SEQ&limit=N`.
    func pull(after: UInt64, limit: Int) async throws(SyncError) -> PulledPage
    /// `POST /v1/records`. Conflicts throw ``SyncError/conflict(code:)``.
    func push(_ request: PushRequest) async throws(SyncError) -> PushReceipt
    /// What the relay's clock said during the round, if the transport measures it; the
    /// ``Syncer`` keeps it in `<home>/clock.json` (``ClockReading``).
    var clockMeter: TrafficMeter? { get }
    /// The relay's origin, for the ``ClockReading``.
    var relayOrigin: String? { get }
}

extension RecordTransport {
    public var clockMeter: TrafficMeter? { nil }
    public var relayOrigin: String? { nil }
}

/// One page of a pull.
public struct PulledPage: Sendable, Equatable {
    /// Records with `seq > after`, in increasing seq order.
    public var records: [PulledRecord]
    /// The relay's highest seq when the page was read.
    public var latestSeq: UInt64
    /// True when more pages follow.
    public var more: Bool
    /// The account's epoch.
    public var epoch: UInt32
    /// The head, on the last page only.
    public var head: SignedHead?

    /// Creates a page.
    public init(records: [PulledRecord], latestSeq: UInt64, more: Bool, epoch: UInt32, head: SignedHead?) {
        self.records = records
        self.latestSeq = latestSeq
        self.more = more
        self.epoch = epoch
        self.head = head
    }
}

/// A batch of writes and the head that describes the record set after them.
public struct PushRequest: Sendable, Equatable {
    /// The writes, each with its `expected_version`.
    public var writes: [PendingWrite]
    /// The new head, signed by this device.
    public var head: SignedHead
    /// The counter of the head this device last saw (nil before the first).
    public var expectedCounter: UInt64?

    /// Creates a request.
    public init(writes: [PendingWrite], head: SignedHead, expectedCounter: UInt64?) {
        self.writes = writes
        self.head = head
        self.expectedCounter = expectedCounter
    }
}

/// The relay's answer to an accepted push.
public struct PushReceipt: Sendable, Equatable {
    /// The account's seq after the write (the new head's seq).
    public var seq: UInt64
    /// The account's epoch.
    public var epoch: UInt32
    /// The seq each record received.
    public var seqs: [RecordID: UInt64]

    /// Creates a receipt.
    public init(seq: UInt64, epoch: UInt32, seqs: [RecordID: UInt64]) {
        self.seq = seq
        self.epoch = epoch
        self.seqs = seqs
    }
}

/// Records and heads over HTTP, as a signed-in device.
public struct RecordsAPI: RecordTransport {
    /// The signed-in session.
    public let session: RelaySession

    /// Uses `session`.
    public init(session: RelaySession) { self.session = session }

    public var clockMeter: TrafficMeter? { session.client.traffic }
    public var relayOrigin: String? { session.client.relay }

    public func pull(after: UInt64, limit: Int) async throws(SyncError) -> PulledPage {
        let page = try await session.send(.GET, "/v1/records?after=\(after)&limit=\(limit)", as: Wire.RecordPage.self)
        var records: [PulledRecord] = []
        records.reserveCapacity(page.records.count)
        var previous = after
        for record in page.records {
            let pulled = try Wire.pulled(record, account: session.account)
            // [API-18]: strictly increasing seqs above `after`.
            guard pulled.seq > previous else { throw .invalidResponse("the records of a page are not in increasing seq order") }
            previous = pulled.seq
            records.append(pulled)
        }
        return PulledPage(records: records, latestSeq: page.latest_seq, more: page.more, epoch: page.epoch,
                          head: try Wire.signedHead(page.head))
    }

    public func push(_ request: PushRequest) async throws(SyncError) -> PushReceipt {
        let body = Wire.PushRequest(
            writes: request.writes.map(Wire.write),
            head: Wire.HeadWrite(counter: request.head.head.counter, head: Base64URL.encode(request.head.bytes),
                                 expected_counter: request.expectedCounter))
        let result = try await session.send(.POST, "/v1/records", body: body, as: Wire.PushResult.self)
        var seqs: [RecordID: UInt64] = [:]
        for entry in result.records { seqs[try Wire.id(entry.record_id, "record_id")] = entry.seq }
        return PushReceipt(seq: result.seq, epoch: result.epoch, seqs: seqs)
    }

    /// `GET /v1/head`: the latest head, unverified (callers verify the bytes).
    public func head() async throws(SyncError) -> SignedHead? {
        try Wire.signedHead(try await session.send(.GET, "/v1/head", as: Wire.HeadEnvelope.self).head)
    }
}

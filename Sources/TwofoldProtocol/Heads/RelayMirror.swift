/// A device's copy of the relay's record set, by metadata only (Protocol/sync.md,
/// "Pulling"): the latest copy of each record the relay has delivered or accepted from
/// this device. It is what a head's digest is checked against, and it refuses a copy
/// older than one already seen, because the relay never stores an older copy over a
/// newer one: serving one means a replay.
public struct RelayMirror: Hashable, Sendable {
    /// The account mirrored.
    public let account: AccountID
    /// The latest header per record id.
    public private(set) var records: [RecordID: RecordHeader]

    /// An empty mirror (before the first pull), or one restored from the store.
    public init(account: AccountID, records: [RecordHeader] = []) {
        self.account = account
        self.records = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, b in RecordStamp(a) < RecordStamp(b) ? b : a })
    }

    /// Takes in a copy pulled from the relay, or one the relay accepted from this device.
    ///
    /// - Throws: ``ProtocolError/bindingMismatch(what:reason:)`` for another account's
    ///   record; ``ProtocolError/rolledBackRecord(_:)`` for a copy older than the
    ///   mirrored one. The same copy again is accepted and changes nothing.
    public mutating func apply(_ header: RecordHeader) throws(ProtocolError) {
        guard header.account == account else {
            throw .bindingMismatch(what: "record \(header.id)", reason: "it belongs to another account")
        }
        if let current = records[header.id] {
            if RecordStamp(header) < RecordStamp(current) { throw .rolledBackRecord(header.id) }
            if RecordStamp(header) == RecordStamp(current) && header != current { throw .rolledBackRecord(header.id) }
        }
        records[header.id] = header
    }

    /// The mirrored set, sorted by record id: what ``HeadVerifier/verifySet(_:records:)`` checks.
    public var headers: [RecordHeader] { records.values.sorted { $0.id < $1.id } }
}

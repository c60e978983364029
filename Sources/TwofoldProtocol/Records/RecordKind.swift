/// What a record holds (Protocol/crypto.md, "Record kinds"). Bound into the associated
/// data so that one kind can never be opened as another.
public enum RecordKind: UInt8, Sendable, Hashable, CaseIterable {
    /// One token (``TokenPayload``).
    case token = 1
    /// One device's HOTP counter for one token (``CounterPayload``).
    case hotpCounter = 2
    /// The account's device roster.
    case roster = 3
}

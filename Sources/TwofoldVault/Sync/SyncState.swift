import TwofoldProtocol

/// How far this device has synced with its relay (Protocol/sync.md, "Device state").
public struct SyncState: Sendable, Equatable {
    /// Where the account stands (Protocol/devices.md, "Creating an account").
    public enum AccountState: String, Sendable {
        /// Keys made and persisted; the relay may not have accepted the account yet.
        case creating
        /// The relay holds the account and the recovery words were shown.
        case ready
    }

    /// The relay's origin, e.g. `https://relay.example.org`.
    public var relayURL: String
    /// Whether account creation has finished.
    public var accountState: AccountState
    /// The highest relay seq this device has pulled (or written itself).
    public var lastSeq: UInt64
    /// The newest head this device has accepted; a relay that serves an older one is refused.
    public var head: SignedHead?
    /// When the last sync round succeeded, Unix milliseconds.
    public var lastSyncMilliseconds: UInt64?
    /// The last round's failure, one line; nil after a success.
    public var lastError: String?
    /// Relay clock minus local clock, as last measured.
    public var clockOffsetMilliseconds: Int64?

    /// Creates a state.
    public init(relayURL: String, accountState: AccountState, lastSeq: UInt64 = 0, head: SignedHead? = nil,
                lastSyncMilliseconds: UInt64? = nil, lastError: String? = nil, clockOffsetMilliseconds: Int64? = nil) {
        self.relayURL = relayURL
        self.accountState = accountState
        self.lastSeq = lastSeq
        self.head = head
        self.lastSyncMilliseconds = lastSyncMilliseconds
        self.lastError = lastError
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
    }
}

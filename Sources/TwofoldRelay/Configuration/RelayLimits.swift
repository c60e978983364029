/// Every limit of Protocol/relay-api.md, "Limits", with its default. Each has a config-file
/// key and an environment variable (``RelayConfiguration``).
public struct RelayLimits: Sendable, Equatable {
    /// Request body, most routes: 1 MiB.
    public var bodyBytes = 1 << 20
    /// Request body, `POST /v1/rotations`: 64 MiB.
    public var rotationBodyBytes = 64 << 20
    /// Request body, `POST /v1/snapshots`: 48 MiB.
    public var snapshotBodyBytes = 48 << 20
    /// Writes per batch: 500.
    public var batchWrites = 500
    /// Records per account, tombstones included: 10 000.
    public var recordsPerAccount: Int64 = 10_000
    /// Sealed record bytes per account: 32 MiB.
    public var recordBytesPerAccount: Int64 = 32 << 20
    /// Snapshots per account: 60.
    public var snapshotsPerAccount: Int64 = 60
    /// Snapshot bytes per account: 512 MiB.
    public var snapshotBytesPerAccount: Int64 = 512 << 20
    /// Requests per device: 10/s, burst 100.
    public var deviceRate = RateLimiter.Rule(ratePerSecond: 10, burst: 100)
    /// Unauthenticated requests per address: 5/s, burst 50.
    public var addressRate = RateLimiter.Rule(ratePerSecond: 5, burst: 50)
    /// Accounts created per address: 10 per hour.
    public var accountsPerAddress = RateLimiter.Rule.perHour(10)
    /// Link mailboxes per address: 20 per hour.
    public var mailboxesPerAddress = RateLimiter.Rule.perHour(20)
    /// Recovery claims per account: 10 per hour, burst 5.
    public var recoveryPerAccount = RateLimiter.Rule.perHour(10, burst: 5)
    /// Recovery claims per address: 20 per hour, burst 10.
    public var recoveryPerAddress = RateLimiter.Rule.perHour(20, burst: 10)
    /// Passphrase-parameter look-ups per address: 60 per hour.
    public var passphraseLookupsPerAddress = RateLimiter.Rule.perHour(60)
    /// Push streams per device: 4.
    public var streamsPerDevice = 4
    /// Push streams per account: 64.
    public var streamsPerAccount = 64
    /// Encoded records per pull page: 4 MiB. A page ends before the record that would pass
    /// it, but always holds at least one (``PageBudget``).
    public var pageBytes = 4 << 20
    /// Seconds a connection may stay without a whole request arriving, or idle between
    /// requests, before the relay closes it: 30. Push streams are answers in progress and
    /// are not cut.
    public var idleTimeoutSeconds = 30
    /// Open connections per client address (IPv6 by /64, ``ClientAddress``), push streams
    /// included: 512. Trusted proxies are not counted.
    public var connectionsPerAddress = 512
    /// Open connections in total: 16 384, and never more than the descriptor limit leaves
    /// (``ConnectionCounts/effectiveTotal(setting:descriptorLimit:)``).
    public var connections = 16_384

    /// The defaults of the spec.
    public init() {}

    /// The storage quotas the store enforces.
    public var quotas: StoreQuotas {
        StoreQuotas(maxRecords: recordsPerAccount, maxRecordBytes: recordBytesPerAccount,
                    maxSnapshots: snapshotsPerAccount, maxSnapshotBytes: snapshotBytesPerAccount)
    }

    /// Limits so high that only tests of a particular limit meet one.
    public static var unlimited: RelayLimits {
        var l = RelayLimits()
        let many = RateLimiter.Rule(ratePerSecond: 1_000_000, burst: 1_000_000)
        l.deviceRate = many
        l.addressRate = many
        l.accountsPerAddress = many
        l.mailboxesPerAddress = many
        l.recoveryPerAccount = many
        l.recoveryPerAddress = many
        l.passphraseLookupsPerAddress = many
        return l
    }
}

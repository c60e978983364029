import TwofoldSync

/// How one sync round of the daemon ended (Protocol/daemon.md, "op: sync").
public struct RoundOutcome: Sendable, Equatable {
    /// What the round did, when it succeeded.
    public var report: SyncReport?
    /// Why it failed.
    public var error: SyncError?
    /// True when the vault is not attached to a relay (nothing to sync).
    public var notAttached: Bool
    /// When it ended, Unix milliseconds.
    public var finishedMilliseconds: UInt64

    /// True for a successful round.
    public var succeeded: Bool { report != nil }

    /// A successful round.
    public static func synced(_ report: SyncReport, at ms: UInt64) -> RoundOutcome {
        RoundOutcome(report: report, error: nil, notAttached: false, finishedMilliseconds: ms)
    }

    /// A failed round.
    public static func failed(_ error: SyncError, at ms: UInt64) -> RoundOutcome {
        RoundOutcome(report: nil, error: error, notAttached: false, finishedMilliseconds: ms)
    }

    /// Nothing to do: a local-only vault.
    public static func detached(at ms: UInt64) -> RoundOutcome {
        RoundOutcome(report: nil, error: nil, notAttached: true, finishedMilliseconds: ms)
    }
}

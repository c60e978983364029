import TwofoldProtocol
import TwofoldVault

/// One sync round as a pure state machine (Protocol/sync.md, "A sync round"): it decides,
/// the I/O around it does. ``Syncer`` drives it with the vault and a relay; the daemon
/// drives the same engine; tests drive it with made-up inputs.
///
/// The round: pull pages after `last_seq` until the last one (which carries the head),
/// apply them as one unit, then push the outbox in batches, each with a new head. A push
/// that loses a compare-and-swap (`version_conflict`, `head_conflict`) sends the round
/// back to pulling, at most ``Limits/maximumRestarts`` times. The round finishes when
/// the outbox is empty: local and relay then agree.
public struct SyncEngine: Sendable {
    /// Bounds on one round.
    public struct Limits: Sendable, Equatable {
        /// Records per pulled page (the relay allows 1…1000).
        public var pageSize = 500
        /// Writes per push (the relay allows 500).
        public var writesPerPush = 500
        /// Sealed bytes per push, under the relay's 1 MiB body limit once base64url-encoded.
        public var bytesPerPush = 640 * 1024
        /// Pull–push restarts after conflicts before giving up.
        public var maximumRestarts = 5
        /// Pages in one pull, so a relay that always says `more` cannot hold the round forever.
        public var maximumPages = 100_000

        /// The defaults.
        public init() {}
    }

    /// What the I/O reports back.
    public enum Input: Sendable {
        /// Begin a round from the stored `last_seq`.
        case start(lastSeq: UInt64)
        /// A page arrived.
        case page(PulledPage)
        /// The vault applied the pull.
        case applied(PullOutcome)
        /// The vault's next outbox batch (nil or empty writes: the outbox is empty).
        case batch(OutboxBatch?)
        /// The relay accepted a push.
        case pushed(PushReceipt, writes: Int)
        /// Any step failed.
        case failed(SyncError)
    }

    /// What the I/O should do next.
    public enum Action: Sendable {
        /// Pull the page after `after`.
        case pull(after: UInt64, limit: Int)
        /// Apply everything pulled, as one unit.
        case apply(PulledSet)
        /// Read the next outbox batch.
        case loadBatch(limit: Int, maxBytes: Int)
        /// Sign a head over the batch and push it.
        case push(OutboxBatch)
        /// The round is over: local and relay agree.
        case finish(SyncReport)
        /// The round failed; nothing half-applied remains.
        case fail(SyncError)
    }

    /// Where the round stands.
    public enum Phase: Sendable, Equatable {
        case idle, pulling, applying, loading, pushing, finished, failed
    }

    /// The bounds in force.
    public let limits: Limits
    /// Where the round stands.
    public private(set) var phase: Phase = .idle
    private var after: UInt64 = 0
    private var records: [PulledRecord] = []
    private var pages = 0
    private var restarts = 0
    private var report = SyncReport()

    /// An engine for one round.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Feeds one input and returns the next action.
    public mutating func handle(_ input: Input) -> Action {
        switch (phase, input) {
        case (.idle, .start(let lastSeq)):
            after = lastSeq
            return startPull()

        case (.pulling, .page(let page)):
            return receive(page)

        case (.applying, .applied(let outcome)):
            report.updated += outcome.updated
            report.keptLocal += outcome.keptLocal
            phase = .loading
            return .loadBatch(limit: limits.writesPerPush, maxBytes: limits.bytesPerPush)

        case (.loading, .batch(let batch)):
            guard let batch, !batch.writes.isEmpty else {
                phase = .finished
                return .finish(report)
            }
            phase = .pushing
            return .push(batch)

        case (.pushing, .pushed(let receipt, let writes)):
            after = max(after, receipt.seq)
            report.pushed += writes
            report.pushes += 1
            report.lastSeq = after
            phase = .loading
            return .loadBatch(limit: limits.writesPerPush, maxBytes: limits.bytesPerPush)

        case (.pushing, .failed(.conflict(let code))):
            restarts += 1
            report.conflicts += 1
            guard restarts <= limits.maximumRestarts else { return fail(.conflictsPersist(attempts: restarts)) }
            _ = code
            return startPull()

        case (_, .failed(let error)):
            return fail(error)

        default:
            return fail(.invalidResponse("sync engine: \(input) in phase \(phase)"))
        }
    }

    private mutating func startPull() -> Action {
        phase = .pulling
        records = []
        pages = 0
        return .pull(after: after, limit: limits.pageSize)
    }

    private mutating func receive(_ page: PulledPage) -> Action {
        pages += 1
        records += page.records
        report.pulled += page.records.count
        if page.more {
            guard let last = page.records.last?.seq, last > after, pages < limits.maximumPages else {
                return fail(.invalidResponse("a page says more records follow but does not advance"))
            }
            after = last
            return .pull(after: after, limit: limits.pageSize)
        }
        // The cursor moves only to the seq of a record actually received (sync.md, "Cursor":
        // the highest seq pulled and committed). The page's `latest_seq` is the relay's
        // word: a relay that announced a higher one would otherwise make this device skip,
        // for good, every record later written below it (HostileRelayTests).
        let latest = max(after, page.records.last?.seq ?? 0)
        after = max(after, latest)
        report.lastSeq = after
        phase = .applying
        let set = PulledSet(records: records, latestSeq: latest, epoch: page.epoch, head: page.head)
        records = []
        return .apply(set)
    }

    private mutating func fail(_ error: SyncError) -> Action {
        phase = .failed
        return .fail(error)
    }
}

/// What a round did.
public struct SyncReport: Sendable, Equatable {
    /// Records pulled (every page).
    public var pulled = 0
    /// Local copies replaced by pulled ones.
    public var updated = 0
    /// Pulled records that lost to local changes.
    public var keptLocal = 0
    /// Records pushed.
    public var pushed = 0
    /// Push requests accepted.
    public var pushes = 0
    /// Conflicts met (each sends the round back to pulling).
    public var conflicts = 0
    /// The relay seq the device stands at.
    public var lastSeq: UInt64 = 0

    /// An empty report.
    public init() {}
}

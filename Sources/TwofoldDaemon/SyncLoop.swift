import Foundation
import Logging
import TwofoldSync
import TwofoldVault

/// The daemon's sync driver (Protocol/daemon.md, "The sync loop"): runs one ``Syncer``
/// round at a time whenever something asks for one — a nudge from the CLI, a change seen
/// by `PRAGMA data_version`, an event on the push stream, the backstop timer — coalescing
/// requests that arrive during a round into one more round, and retrying failures with
/// ``Backoff`` and jitter.
///
/// Correctness never depends on a trigger arriving ([SYN-12]): every round pulls from the
/// stored cursor and pushes the whole outbox, so a lost trigger only delays a change.
public actor SyncLoop {
    /// How the loop reaches the relay and how it retries.
    public struct Configuration: Sendable {
        /// Retry policy for failed rounds and a lost push stream.
        public var backoff = Backoff()
        /// A round at least this often even without triggers (sync.md: "a long backstop timer").
        public var backstop: Duration = .seconds(3600)
        /// Extra CA certificates for the relay (`--relay-ca`).
        public var relayCA: String?
        /// Allow plain http to a non-loopback relay (`--insecure-relay`, [API-3]).
        public var allowInsecureRelay = false

        /// The defaults.
        public init() {}
    }

    /// What the loop is doing, for `op: status` and systemd's STATUS line.
    public struct Status: Sendable, Equatable {
        /// The relay origin, nil for a local-only vault.
        public var relay: String?
        /// True while the push stream is open.
        public var pushConnected = false
        /// True while a round runs.
        public var syncing = false
        /// Rounds finished since start.
        public var rounds = 0
        /// The last round's end, Unix milliseconds.
        public var lastRoundMilliseconds: UInt64?
        /// The last successful round's end, Unix milliseconds.
        public var lastSuccessMilliseconds: UInt64?
        /// The last failure, one line (nil after a success).
        public var lastError: String?
        /// Its stable code.
        public var lastErrorCode: String?
        /// Consecutive failed rounds.
        public var failures = 0
        /// Milliseconds until the next retry, when one is scheduled.
        public var retryInMilliseconds: Int?
    }

    /// The vault, locked view (one SQLite connection for the daemon's life).
    public nonisolated let store: SyncStore
    private let keys: KeyKeeper
    private let configuration: Configuration
    private let logger: Logger
    private var client: RelayClient?
    private var session: RelaySession?
    /// The relay failure last logged at notice level (nil: the relay works), so each
    /// change of state is logged once, not every retry (issue 20: nothing was logged).
    private var loggedFailure: String?
    /// The stable code of that failure: a new line is logged only when it changes, so a
    /// relay going down mid-request ("closed before an answer", then "connection refused")
    /// is one failure, not three.
    private var loggedFailureCode: String?
    private var creating: (url: String, task: Task<(RelayClient, RelaySession), any Error>)?
    private var status = Status()

    private var wanted = true   // one round at start: catches writes made while no daemon ran
    private var urgent = false
    private var stopping = false
    private var retryAt: ContinuousClock.Instant?
    private var pushFailures = 0
    private var wake: CheckedContinuation<Void, Never>?
    private var waiters: [CheckedContinuation<RoundOutcome, Never>] = []
    private var watchers: [UInt64: AsyncStream<RoundOutcome>.Continuation] = [:]
    private var nextWatcher: UInt64 = 0
    private var onStatus: (@Sendable (Status) -> Void)?

    /// A loop for `store`, checking pulled records with `keys` while unlocked.
    public init(store: SyncStore, keys: KeyKeeper, configuration: Configuration, logger: Logger) {
        self.store = store
        self.keys = keys
        self.configuration = configuration
        self.logger = logger
    }

    /// Sets the observer of status changes (systemd's STATUS line).
    public func observe(_ body: @escaping @Sendable (Status) -> Void) { onStatus = body }

    /// The current status.
    public var currentStatus: Status {
        var out = status
        if let retryAt, !status.syncing {
            let left = retryAt - ContinuousClock.now
            out.retryInMilliseconds = max(0, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        }
        return out
    }

    // MARK: Triggers

    /// Something may have changed locally (a CLI nudge, `PRAGMA data_version` moved): a
    /// round is wanted when the outbox holds anything. Respects the retry backoff.
    public func localChanged() {
        if (try? store.pendingCount()) ?? 0 > 0 { request() }
    }

    /// The push stream reported records up to `seq` (Protocol/relay-api.md, "Push"): a
    /// round is wanted when that is beyond this device's cursor, or the outbox is not empty.
    public func remoteSeq(_ seq: UInt64) {
        let last = ((try? store.state()) ?? nil)?.lastSeq ?? 0
        if seq > last || ((try? store.pendingCount()) ?? 0) > 0 { request() }
    }

    /// Asks for a round. `urgent` skips a pending backoff (`op: sync`, the push stream coming back).
    public func request(urgent: Bool = false) {
        wanted = true
        if urgent { self.urgent = true }
        ring()
    }

    /// Runs a round now (skipping any backoff) and returns how the first round that
    /// *starts* after this call ended.
    public func syncNow() async -> RoundOutcome {
        await withCheckedContinuation { continuation in
            waiters.append(continuation)
            request(urgent: true)
        }
    }

    /// A stream of the outcome of every round from now on (`op: watch`).
    public func watch() -> (id: UInt64, stream: AsyncStream<RoundOutcome>) {
        let (stream, continuation) = AsyncStream.makeStream(of: RoundOutcome.self, bufferingPolicy: .bufferingNewest(64))
        nextWatcher += 1
        watchers[nextWatcher] = continuation
        return (nextWatcher, stream)
    }

    /// Ends a watch.
    public func unwatch(_ id: UInt64) { watchers.removeValue(forKey: id)?.finish() }

    /// Stops after the round in progress, if any (graceful shutdown).
    public func stop() {
        stopping = true
        ring()
    }

    // MARK: Push stream bookkeeping

    /// The push stream is open: its failures are forgotten, and a round that was waiting
    /// out a backoff runs now (the relay is back).
    public func pushConnected() {
        let wasDown = !status.pushConnected
        status.pushConnected = true
        pushFailures = 0
        if wasDown, retryAt != nil { request(urgent: true) }
        publish()
    }

    /// The push stream closed or failed to open; returns how long to wait before the next
    /// attempt (zero after a clean close by the relay, as at a token's expiry).
    public func pushLost(_ error: SyncError?) -> Duration {
        status.pushConnected = false
        publish()
        guard let error else { return .zero }
        pushFailures += 1
        if case .deviceRevoked = error { return .seconds(3600) }
        if case .accountDeleted = error { return .seconds(3600) }
        logger.debug("push stream failed", metadata: ["error": "\(error.description)", "failures": "\(pushFailures)"])
        noteFailure(error)
        return configuration.backoff.delay(failures: pushFailures)
    }

    /// The signed-in session, created on first use for the relay the vault names; nil for
    /// a local-only vault or one whose account is not created yet.
    public func currentSession() async throws(SyncError) -> RelaySession? {
        let state: SyncState?
        do { state = try store.state() } catch { throw .vault(error) }
        guard let state, state.accountState == .ready else { return nil }
        if let session, status.relay == state.relayURL { return session }
        // One creation at a time: concurrent callers (the loop, the push stream, the
        // snapshot scheduler) share it, so no client is made twice and leaked.
        let task: Task<(RelayClient, RelaySession), any Error>
        if let creating, creating.url == state.relayURL {
            task = creating.task
        } else {
            let (store, configuration) = (self.store, self.configuration)
            task = Task {
                let endpoint = try RelayEndpoint(state.relayURL, allowInsecure: configuration.allowInsecureRelay)
                let client = try RelayClient(RelayClientConfiguration(endpoint: endpoint, caFile: configuration.relayCA))
                do {
                    return (client, try await RelaySession.stored(client: client, store: store))
                } catch {
                    await client.shutdown()
                    throw error
                }
            }
            creating = (state.relayURL, task)
        }
        let result = await task.result
        if creating?.task == task { creating = nil }
        switch result {
        case .success(let (newClient, newSession)):
            if client !== newClient {
                if let old = client { Task { await old.shutdown() } }
                client = newClient
                session = newSession
                status.relay = state.relayURL
            }
            return session
        case .failure(let error):
            throw SyncError.from(error)
        }
    }

    /// The relay client's last measured clock offset.
    public func clockOffset() async -> Int64? { await client?.traffic.clockOffsetMilliseconds }

    /// Closes the relay client's connections.
    public func shutdown() async {
        await client?.shutdown()
        client = nil
        session = nil
        for (_, watcher) in watchers { watcher.finish() }
        watchers = [:]
    }

    /// A call that returns at once: proves the actor is not stuck (systemd's watchdog).
    public func heartbeat() -> Bool { true }

    // MARK: The loop

    /// Runs rounds until ``stop()`` or cancellation.
    public func run() async {
        let backstop = Task { [weak self, configuration] in
            while !Task.isCancelled {
                try? await Task.sleep(for: configuration.backstop)
                await self?.request()
            }
        }
        defer { backstop.cancel() }
        while !stopping && !Task.isCancelled {
            guard wanted else {
                await pause(until: nil)
                continue
            }
            if let retryAt, !urgent, ContinuousClock.now < retryAt {
                await pause(until: retryAt)
                continue
            }
            wanted = false
            urgent = false
            let roundWaiters = waiters
            waiters = []
            let outcome = await round()
            for waiter in roundWaiters { waiter.resume(returning: outcome) }
            for (_, watcher) in watchers { watcher.yield(outcome) }
        }
        let outcome = RoundOutcome.failed(.refused(.notAttached), at: Self.nowMilliseconds())
        for waiter in waiters { waiter.resume(returning: outcome) }
        waiters = []
    }

    private func round() async -> RoundOutcome {
        status.syncing = true
        publish()
        defer {
            status.syncing = false
            status.rounds += 1
            publish()
        }
        let session: RelaySession?
        do { session = try await currentSession() } catch {
            return failed(error)
        }
        guard let session else {
            retryAt = nil
            return .detached(at: Self.nowMilliseconds())
        }
        let keyring = await keys.keyring()
        var syncer = Syncer(store: store, transport: RecordsAPI(session: session), keyring: keyring)
        syncer.follower = DaemonEpochFollower(keys: keys, session: session)
        let client = session.client
        do {
            let report = try await syncer.run(clockOffset: { await client.traffic.clockOffsetMilliseconds })
            let now = Self.nowMilliseconds()
            status.failures = 0
            status.lastError = nil
            status.lastErrorCode = nil
            status.lastRoundMilliseconds = now
            status.lastSuccessMilliseconds = now
            retryAt = nil
            if let previous = loggedFailure {
                loggedFailure = nil
                loggedFailureCode = nil
                logger.notice("the relay works again", metadata: ["relay": "\(client.relay)", "after": "\(previous)"])
            }
            if report.pulled > 0 || report.pushed > 0 {
                logger.debug("synced", metadata: ["pulled": "\(report.pulled)", "pushed": "\(report.pushed)", "seq": "\(report.lastSeq)"])
            }
            return .synced(report, at: now)
        } catch {
            if case .vault(.wrongPassphrase) = error { await keys.revalidate() }
            return failed(error)
        }
    }

    private func failed(_ error: SyncError) -> RoundOutcome {
        let now = Self.nowMilliseconds()
        status.failures += 1
        status.lastError = error.description
        status.lastErrorCode = error.code
        status.lastRoundMilliseconds = now
        var delay = configuration.backoff.delay(failures: status.failures)
        if case .rateLimited(let seconds, _) = error { delay = max(delay, .seconds(seconds)) }
        retryAt = ContinuousClock.now + delay
        // Every failure retries after the backoff (issue 20: a TLS failure waited for the next
        // trigger, over 20 s), except a device removed from its account or a deleted
        // account, which no retry mends.
        if Self.retries(after: error) { wanted = true }
        logger.info("sync failed", metadata: ["error": "\(error.description)", "retry_in": "\(delay)"])
        noteFailure(error)
        return .failed(error, at: now)
    }

    /// Whether a failed round is tried again after the backoff.
    static func retries(after error: SyncError) -> Bool {
        switch error {
        case .deviceRevoked, .accountDeleted: return false
        default: return true
        }
    }

    /// Logs a relay failure at notice level, once per change of what is wrong: the one-line
    /// reason (relay down, TLS not trusted) is what `journalctl -u twofoldd` shows.
    private func noteFailure(_ error: SyncError) {
        let line = error.description
        guard error.code != loggedFailureCode else { return }
        loggedFailureCode = error.code
        loggedFailure = line
        logger.notice("relay failure: \(line)")
    }

    /// Suspends until ``request(urgent:)``, ``stop()``, cancellation, or `deadline`.
    private func pause(until deadline: ContinuousClock.Instant?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if stopping || Task.isCancelled {
                    continuation.resume()
                    return
                }
                wake = continuation
                if let deadline {
                    Task { [weak self] in
                        try? await Task.sleep(until: deadline, clock: .continuous)
                        await self?.ring()
                    }
                }
            }
        } onCancel: {
            Task { await self.ring() }
        }
    }

    private func ring() {
        if let wake {
            self.wake = nil
            wake.resume()
        }
    }

    private func publish() { onStatus?(currentStatus) }

    static func nowMilliseconds() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }
}

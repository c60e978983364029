import Foundation
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Drives one ``SyncEngine`` round with a vault and a relay: what `twofold sync` runs
/// once and the daemon runs on every change (Protocol/sync.md, "A sync round").
///
/// With a ``VaultKeyring`` (vault unlocked) every pulled record is authenticated before it
/// is applied; without one (locked) ciphertext is merged by its authenticated metadata
/// and heads are checked against the signers cached from the last opened roster.
public struct Syncer: Sendable {
    /// The vault, locked view.
    public let store: SyncStore
    /// The relay's record routes.
    public let transport: any RecordTransport
    /// The unlocked vault's keys, if any.
    public let keyring: VaultKeyring?
    /// Engine bounds.
    public var limits = SyncEngine.Limits()
    /// Check that this device is still in the roster ([DEV-4]); off only while restoring.
    public var checkMembership = true
    /// The wall clock, Unix milliseconds.
    public var now: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }
    /// Takes the key of a newer epoch when another device rotated (unlocked vaults only).
    public var follower: (any EpochFollower)?

    /// A driver for `store` through `transport`.
    public init(store: SyncStore, transport: any RecordTransport, keyring: VaultKeyring?) {
        self.store = store
        self.transport = transport
        self.keyring = keyring
    }

    /// Runs one round. On success the outbox is empty and `last_sync` is now; on failure
    /// the error is recorded as `last_error` and thrown, and nothing half-applied remains.
    @discardableResult
    public func run(clockOffset: @Sendable () async -> Int64? = { nil }) async throws(SyncError) -> SyncReport {
        do {
            let report: SyncReport
            do {
                report = try await round(keyring: keyring)
            } catch .refused(.epochAhead(_, let relay)) where follower != nil && keyring != nil {
                // Another device rotated (devices.md, "Revocation and key rotation"): take
                // the new key from this device's grant and run the round again with it.
                report = try await round(keyring: try await follower!.follow(epoch: relay))
            }
            try? store.recordOutcome(syncedAt: now(), error: nil, clockOffset: await clockOffset())
            await keepClockReading()
            return report
        } catch {
            try? store.recordOutcome(syncedAt: nil, error: error.description, clockOffset: await clockOffset())
            await keepClockReading()
            throw error
        }
    }

    /// Keeps what the relay's `Date` headers said in `<home>/clock.json`, for the drift
    /// warnings of `status`, `code` and `codes` (Protocol/sync.md, "Clock offset"). A finer
    /// `/v1/health` reading (`doctor`) of the last ten minutes that this one agrees with stays.
    private func keepClockReading() async {
        guard let meter = transport.clockMeter, let relay = transport.relayOrigin,
              let estimate = await meter.clockEstimate else { return }
        let now = SystemClock.now()
        if let kept = ClockReading.load(home: store.home), kept.relay == relay {
            if kept.source == "date" && kept.clock.wallMs == estimate.measuredMs { return }  // nothing new
            let current = kept.current(at: now)
            if kept.source == "health", current.ageMs < 600_000,
               abs(current.offsetMs - estimate.offsetMs) <= estimate.uncertaintyMs + current.uncertaintyMs {
                return  // the finer reading still agrees
            }
        }
        // The estimate dates from its newest sample, which may be older than this round.
        let lag = now.wallMs - estimate.measuredMs
        let clock = SystemClock(wallMs: estimate.measuredMs, bootMs: now.bootMs.map { $0 - lag }, bootID: now.bootID)
        try? ClockReading(relay: relay, estimate: estimate, source: "date", clock: clock).save(home: store.home)
    }

    private func round(keyring: VaultKeyring?) async throws(SyncError) -> SyncReport {
        let state: SyncState
        let signingKey: Ed25519KeyPair
        var startSeq: UInt64
        do {
            state = try store.requireState()
            signingKey = try store.signingKey()
            startSeq = state.lastSeq
            // Copies a locked pull merged unopened that do not open now are fetched again
            // from where the relay holds them (Protocol/sync.md, "Applying a pull", step 7).
            if let keyring, let refetch = try store.refetchPoint(keyring: keyring) { startSeq = min(startSeq, refetch) }
        } catch {
            throw SyncError.from(error)
        }
        var engine = SyncEngine(limits: limits)
        var action = engine.handle(.start(lastSeq: startSeq))
        var startedAt = state
        var restarts = 0
        while true {
            switch action {
            case .pull(let after, let limit):
                do {
                    action = engine.handle(.page(try await transport.pull(after: after, limit: limit)))
                } catch {
                    action = engine.handle(.failed(error))
                }
            case .apply(let set):
                do {
                    action = engine.handle(.applied(try store.applyPull(set, keyring: keyring, checkMembership: checkMembership)))
                    startedAt = (try? store.requireState()) ?? startedAt
                } catch {
                    // Another process of this device (the daemon, another `twofold sync`)
                    // committed a pull or push while these pages were in flight: they are
                    // older than what is now stored, so the head or mirror check refuses
                    // them although the relay is honest. Start again from the new cursor
                    // (a few times at most); a relay that really rolls back is refused on
                    // the fresh pull, where the cursor did not move.
                    if error is ProtocolError, restarts < 3, let now = try? store.requireState(),
                       now.lastSeq != startedAt.lastSeq || now.head != startedAt.head {
                        restarts += 1
                        startedAt = now
                        engine = SyncEngine(limits: limits)
                        action = engine.handle(.start(lastSeq: now.lastSeq))
                        continue
                    }
                    action = engine.handle(.failed(SyncError.from(error)))
                }
            case .loadBatch(let limit, let maxBytes):
                do {
                    action = engine.handle(.batch(try store.outboxBatch(limit: limit, maxBytes: maxBytes)))
                } catch {
                    action = engine.handle(.failed(SyncError.from(error)))
                }
            case .push(let batch):
                let request = PushPlanner.request(for: batch, account: store.account, device: store.device,
                                                  signingKey: signingKey)
                do {
                    let receipt = try await transport.push(request)
                    try store.recordPush(writes: batch.writes.map(\.record), seqs: receipt.seqs, head: request.head, seq: receipt.seq)
                    startedAt = (try? store.requireState()) ?? startedAt
                    action = engine.handle(.pushed(receipt, writes: batch.writes.count))
                } catch {
                    action = engine.handle(.failed(SyncError.from(error)))
                }
            case .finish(let report):
                return report
            case .fail(let error):
                throw error
            }
        }
    }
}


/// Takes the key of an epoch this device has not seen (a rotation by another device):
/// fetches this device's grant (`GET /v1/grant`), opens it with the device's X25519 key,
/// stores the key wrapped like the others, and returns the keyring that holds it.
public protocol EpochFollower: Sendable {
    /// Follows the account to `epoch` (or newer, if the relay's grant is newer).
    func follow(epoch: UInt32) async throws(SyncError) -> VaultKeyring
}

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
            let report = try await round()
            try? store.recordOutcome(syncedAt: now(), error: nil, clockOffset: await clockOffset())
            return report
        } catch {
            try? store.recordOutcome(syncedAt: nil, error: error.description, clockOffset: await clockOffset())
            throw error
        }
    }

    private func round() async throws(SyncError) -> SyncReport {
        let state: SyncState
        let signingKey: Ed25519KeyPair
        do {
            state = try store.requireState()
            signingKey = try store.signingKey()
        } catch {
            throw SyncError.from(error)
        }
        var engine = SyncEngine(limits: limits)
        var action = engine.handle(.start(lastSeq: state.lastSeq))
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
                } catch {
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


import Testing
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault
@testable import TwofoldSync

/// The pure engine, driven with made-up inputs (Protocol/sync.md, "A sync round").
@Suite("Sync engine")
struct SyncEngineTests {
    static let account = AccountID.random()
    static let device = DeviceID.random()

    static func pulled(_ seq: UInt64) -> PulledRecord {
        let header = RecordHeader(account: account, id: .random(), kind: .token,
                                  version: RecordVersion(hlc: seq << 16, device: device), epoch: 1, deleted: false)
        return PulledRecord(record: SealedRecord(header: header, sealed: [1]), seq: seq)
    }

    static func batch(_ writes: Int) -> OutboxBatch {
        let records = (0..<writes).map { _ in pulled(1).record }
        return OutboxBatch(writes: records.map { PendingWrite(record: $0, expectedVersion: nil) },
                           setAfter: records.map(\.header), previousHead: nil, epoch: 1, pendingTotal: writes)
    }

    @Test func pullsEveryPageThenAppliesThemAsOne() {
        var engine = SyncEngine()
        guard case .pull(0, 500) = engine.handle(.start(lastSeq: 0)) else { Issue.record("no pull"); return }
        let first = PulledPage(records: [Self.pulled(1), Self.pulled(2)], latestSeq: 3, more: true, epoch: 1, head: nil)
        guard case .pull(2, _) = engine.handle(.page(first)) else { Issue.record("no second pull"); return }
        let last = PulledPage(records: [Self.pulled(3)], latestSeq: 3, more: false, epoch: 1, head: nil)
        guard case .apply(let set) = engine.handle(.page(last)) else { Issue.record("no apply"); return }
        #expect(set.records.map(\.seq) == [1, 2, 3])
        #expect(set.latestSeq == 3)
        #expect(engine.phase == .applying)
    }

    @Test func anEmptyOutboxFinishesTheRound() {
        var engine = SyncEngine()
        _ = engine.handle(.start(lastSeq: 7))
        _ = engine.handle(.page(PulledPage(records: [], latestSeq: 7, more: false, epoch: 1, head: nil)))
        guard case .loadBatch = engine.handle(.applied(PullOutcome(updated: 0, keptLocal: 0, authenticated: true))) else {
            Issue.record("no load"); return
        }
        guard case .finish(let report) = engine.handle(.batch(nil)) else { Issue.record("not finished"); return }
        #expect(report.lastSeq == 7)
        #expect(engine.phase == .finished)
    }

    @Test func pushesBatchesUntilTheOutboxIsEmpty() {
        var engine = SyncEngine()
        _ = engine.handle(.start(lastSeq: 0))
        _ = engine.handle(.page(PulledPage(records: [], latestSeq: 0, more: false, epoch: 1, head: nil)))
        _ = engine.handle(.applied(PullOutcome(updated: 0, keptLocal: 0, authenticated: true)))
        for round in 1...3 {
            guard case .push(let batch) = engine.handle(.batch(Self.batch(2))) else { Issue.record("no push"); return }
            guard case .loadBatch = engine.handle(.pushed(PushReceipt(seq: UInt64(round * 2), epoch: 1, seqs: [:]),
                                                          writes: batch.writes.count)) else { Issue.record("no reload"); return }
        }
        guard case .finish(let report) = engine.handle(.batch(nil)) else { Issue.record("not finished"); return }
        #expect(report.pushed == 6)
        #expect(report.pushes == 3)
        #expect(report.lastSeq == 6)
    }

    @Test func aConflictSendsTheRoundBackToPullingUntilTheLimit() {
        var limits = SyncEngine.Limits()
        limits.maximumRestarts = 2
        var engine = SyncEngine(limits: limits)
        _ = engine.handle(.start(lastSeq: 4))
        for attempt in 1...3 {
            _ = engine.handle(.page(PulledPage(records: [], latestSeq: 4, more: false, epoch: 1, head: nil)))
            _ = engine.handle(.applied(PullOutcome(updated: 0, keptLocal: 0, authenticated: false)))
            _ = engine.handle(.batch(Self.batch(1)))
            let action = engine.handle(.failed(.conflict(code: "head_conflict")))
            if attempt <= 2 {
                guard case .pull(4, _) = action else { Issue.record("no restart at \(attempt)"); return }
            } else {
                guard case .fail(.conflictsPersist(3)) = action else { Issue.record("did not give up"); return }
            }
        }
        #expect(engine.phase == .failed)
    }

    @Test func aPageThatSaysMoreButDoesNotAdvanceFails() {
        var engine = SyncEngine()
        _ = engine.handle(.start(lastSeq: 5))
        guard case .fail(.invalidResponse) = engine.handle(.page(PulledPage(records: [], latestSeq: 9, more: true, epoch: 1, head: nil))) else {
            Issue.record("accepted a stuck page"); return
        }
    }

    @Test func aFailureInAnyPhaseEndsTheRound() {
        var engine = SyncEngine()
        _ = engine.handle(.start(lastSeq: 0))
        guard case .fail(.deviceRevoked) = engine.handle(.failed(.deviceRevoked)) else { Issue.record("not failed"); return }
        // Nothing more happens after a failure.
        guard case .fail = engine.handle(.batch(nil)) else { Issue.record("engine went on"); return }
    }

    @Test func aPushHeadCountsOneUpAndDescribesTheSetAfterIt() throws {
        let key = Ed25519KeyPair.generate()
        var batch = Self.batch(3)
        let previous = Head(account: Self.account, counter: 41, epoch: 1, records: [], signer: Self.device).signed(with: key)
        batch.previousHead = previous
        let request = PushPlanner.request(for: batch, account: Self.account, device: Self.device, signingKey: key)
        #expect(request.expectedCounter == 41)
        #expect(request.head.head.counter == 42)
        let verifier = HeadVerifier(account: Self.account, signers: [Self.device: key.publicKey], highestSeen: previous)
        try verifier.verify(request.head, records: batch.setAfter)
    }
}

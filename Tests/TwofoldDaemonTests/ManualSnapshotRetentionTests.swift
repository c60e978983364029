import Foundation
import Testing
import TwofoldProtocol
@testable import TwofoldDaemon

/// Snapshots taken by hand are kept apart from the schedule's retention (Protocol/sync.md,
/// "Snapshots", "Retention"; issue 16).
struct ManualSnapshotRetentionTests {
    static let day: UInt64 = 86_400_000
    static let start: UInt64 = 1_767_268_800_000

    @Test func aSnapshotTakenByHandNextToTheDailyOneKeepsBoth() {
        // The daily snapshot, then one by hand a minute later, the same day.
        let created = [Self.start, Self.start + 60_000]
        let kept = SnapshotRetention().keep(created: created, manual: [false, true])
        #expect(kept == [0, 1])
        // Without the split, the rule would keep one per day and drop the daily one.
        #expect(SnapshotRetention().keep(created: created) == [1])
    }

    @Test func theNewestTenByHandAreKeptAndNeverCostAScheduledOne() {
        let scheduled = (0..<7).map { Self.start + UInt64($0) * Self.day }
        let byHand = (0..<12).map { Self.start + 6 * Self.day + 1000 + UInt64($0) * 1000 }
        let created = scheduled + byHand
        let kept = SnapshotRetention().keep(created: created, manual: scheduled.map { _ in false } + byHand.map { _ in true })
        for i in scheduled.indices { #expect(kept.contains(i)) }
        #expect(kept.count == 7 + 10)
        #expect(!kept.contains(7) && !kept.contains(8))  // the two oldest by hand go
    }

    @Test func aManualIdCarriesTheMarkerAndARandomOneDoesNot() {
        #expect(SnapshotID.randomManual().isManual)
        #expect(SnapshotID.randomManual() != SnapshotID.randomManual())
        #expect((0..<64).filter { _ in SnapshotID.random().isManual }.isEmpty)
    }
}

import Foundation
import Testing
@testable import TwofoldDaemon

struct SnapshotRetentionTests {
    static let day: UInt64 = 86_400_000
    /// 2026-01-01T12:00Z, a Thursday.
    static let start: UInt64 = 1_767_268_800_000

    @Test func defaultPolicyKeepsSevenDailyFourWeeklyTwelveMonthly() {
        // One snapshot a day for 400 days, newest last.
        let created = (0..<400).map { Self.start + UInt64($0) * Self.day }
        let kept = SnapshotRetention().keep(created: created)
        let newest = created.count - 1
        #expect(kept.contains(newest))
        for d in 0..<7 { #expect(kept.contains(newest - d)) }
        // 7 daily + up to 4 weekly + 12 monthly, overlapping: never more than 23.
        #expect(kept.count <= 23 && kept.count >= 12)
        let months = Set(kept.map { SnapshotRetention.month(created[$0]) })
        #expect(months.count == 12)
    }

    @Test func severalSnapshotsOfOneDayKeepTheNewest() {
        let created = [Self.start, Self.start + 1000, Self.start + 2000]
        #expect(SnapshotRetention(daily: 1, weekly: 0, monthly: 0).keep(created: created) == [2])
        #expect(SnapshotRetention(daily: 0, weekly: 0, monthly: 0).keep(created: created) == [2])
    }

    @Test func bucketsFollowTheCalendar() {
        // 1970-01-01 is a Thursday: Sunday the 4th shares its ISO week, Monday the 5th does not.
        #expect(SnapshotRetention.isoWeek(3 * Self.day) == SnapshotRetention.isoWeek(0))
        #expect(SnapshotRetention.isoWeek(4 * Self.day) == SnapshotRetention.isoWeek(0) + 1)
        #expect(SnapshotRetention.month(0) == 1970 * 12)
        #expect(SnapshotRetention.month(31 * Self.day) == 1970 * 12 + 1)  // 1 February 1970
        #expect(SnapshotRetention.month(Self.start) == 2026 * 12)
        #expect(SnapshotRetention(text: "7,4,12") == SnapshotRetention())
        #expect(SnapshotRetention(text: "7,4") == nil)
    }
}

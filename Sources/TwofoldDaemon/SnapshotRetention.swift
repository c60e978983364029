import Foundation

/// Which snapshots to keep (Protocol/sync.md, "Snapshots", "Retention"): by default 7
/// daily, 4 weekly and 12 monthly, counted in UTC from each snapshot's creation time.
///
/// Snapshots are sorted newest first; each rule with `n` buckets walks the list and keeps a
/// snapshot when its bucket (day, ISO week, month) differs from that of the last snapshot
/// the rule kept, until it has kept `n`. The newest snapshot is always kept; every snapshot
/// no rule keeps is deleted — but only after the newer snapshot that replaces it is
/// stored, which the scheduler guarantees by running the policy only after an upload
/// succeeded ([SYN-18]).
public struct SnapshotRetention: Sendable, Equatable {
    /// Daily buckets kept.
    public var daily: Int
    /// ISO-week buckets kept.
    public var weekly: Int
    /// Month buckets kept.
    public var monthly: Int
    /// Snapshots taken by hand kept (the newest), apart from the schedule's buckets: a
    /// snapshot taken by hand never replaces a scheduled one, nor the other way round.
    public var manual: Int

    /// A policy.
    public init(daily: Int = 7, weekly: Int = 4, monthly: Int = 12, manual: Int = 10) {
        self.daily = max(0, daily)
        self.weekly = max(0, weekly)
        self.monthly = max(0, monthly)
        self.manual = max(0, manual)
    }

    /// The indices of the snapshots to keep, scheduled and by hand apart: the scheduled
    /// ones by ``keep(created:)``, the newest `manual` of those taken by hand.
    public func keep(created: [UInt64], manual isManual: [Bool]) -> Set<Int> {
        precondition(created.count == isManual.count, "one flag per snapshot")
        let scheduled = created.indices.filter { !isManual[$0] }
        var kept = Set(keep(created: scheduled.map { created[$0] }).map { scheduled[$0] })
        let byHand = created.indices.filter { isManual[$0] }.sorted { created[$0] > created[$1] }
        kept.formUnion(byHand.prefix(manual))
        return kept
    }

    /// Parses `D,W,M` (as `--retention 7,4,12`).
    public init?(text: String) {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let d = parts[0], let w = parts[1], let m = parts[2], d >= 0, w >= 0, m >= 0 else { return nil }
        self.init(daily: d, weekly: w, monthly: m)
    }

    /// The indices (into `created`, Unix milliseconds) of the snapshots to keep.
    public func keep(created: [UInt64]) -> Set<Int> {
        let order = created.indices.sorted { created[$0] > created[$1] }
        var kept: Set<Int> = []
        if let newest = order.first { kept.insert(newest) }
        for (count, bucket) in [(daily, Self.day), (weekly, Self.isoWeek), (monthly, Self.month)] {
            var last: Int64?
            var taken = 0
            for index in order where taken < count {
                let b = bucket(created[index])
                if b != last {
                    kept.insert(index)
                    last = b
                    taken += 1
                }
            }
        }
        return kept
    }

    /// Days since 1970-01-01 (UTC).
    static func day(_ ms: UInt64) -> Int64 { Int64(ms / 86_400_000) }

    /// Monday-based weeks since the week of 1970-01-01 (a Thursday): the ISO week, as a
    /// bucket (two days share an ISO week exactly when they share this number).
    static func isoWeek(_ ms: UInt64) -> Int64 { (day(ms) + 3) / 7 }

    /// Months since 1970-01 (UTC), from the civil date (Howard Hinnant's algorithm).
    static func month(_ ms: UInt64) -> Int64 {
        let z = day(ms) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return year * 12 + (month - 1)
    }
}

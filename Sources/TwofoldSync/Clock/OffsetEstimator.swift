/// Combines clock samples into one offset (Protocol/sync.md, "Clock offset").
///
/// Each ``ClockSample`` bounds the offset to an interval whatever the network delays
/// were; the offset lies in every one of them, so their intersection is the answer and
/// its midpoint the estimate (the round-trip midpoint of the tightest samples). More
/// samples can only narrow it: a `Date` header alone gives ±(1 s + half the round trip)
/// (``ClockSample/dateResolutionMs``), several taken across second boundaries less. When
/// the intervals do not overlap — the local clock was stepped between samples — the
/// newest tightest sample alone is used and the estimate says it is not consistent.
public enum OffsetEstimator {
    /// The estimate from `samples`, or nil when there are none.
    public static func estimate(_ samples: [ClockSample]) -> ClockEstimate? {
        guard let newest = samples.map(\.receivedMs).max() else { return nil }
        let low = samples.map(\.lowerBound).max()!
        let high = samples.map(\.upperBound).min()!
        if low <= high {
            return ClockEstimate(offsetMs: midpoint(low, high), uncertaintyMs: halfWidth(low, high),
                                 measuredMs: newest, samples: samples.count)
        }
        // Inconsistent: take the narrowest interval, the newest among equals.
        let best = samples.enumerated().min { a, b in
            let wa = a.element.upperBound - a.element.lowerBound, wb = b.element.upperBound - b.element.lowerBound
            return wa != wb ? wa < wb : a.offset > b.offset
        }!.element
        return ClockEstimate(offsetMs: midpoint(best.lowerBound, best.upperBound),
                             uncertaintyMs: halfWidth(best.lowerBound, best.upperBound),
                             measuredMs: newest, samples: samples.count, consistent: false)
    }

    /// The midpoint of `[low, high]`, rounded toward negative infinity.
    static func midpoint(_ low: Int64, _ high: Int64) -> Int64 {
        let sum = low + high
        return sum >= 0 ? sum / 2 : (sum - 1) / 2
    }

    /// Half the width of `[low, high]`, rounded up.
    static func halfWidth(_ low: Int64, _ high: Int64) -> Int64 { (high - low + 1) / 2 }
}

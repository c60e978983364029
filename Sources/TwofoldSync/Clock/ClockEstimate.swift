/// The relay's clock minus this computer's, with how sure we are of it: the true offset
/// lies within `offsetMs ± uncertaintyMs` when the samples were consistent.
public struct ClockEstimate: Sendable, Equatable {
    /// Relay minus local, ms. Positive: this computer's clock is behind the relay's.
    public var offsetMs: Int64
    /// Half the width of the interval the offset lies in, ms.
    public var uncertaintyMs: Int64
    /// Local time of the newest sample, Unix ms.
    public var measuredMs: Int64
    /// How many samples went in.
    public var samples: Int
    /// False when the samples' intervals did not overlap (the local clock was stepped, or
    /// relay replicas disagree); the estimate then rests on the single tightest sample.
    public var consistent: Bool

    /// An estimate.
    public init(offsetMs: Int64, uncertaintyMs: Int64, measuredMs: Int64, samples: Int, consistent: Bool = true) {
        self.offsetMs = offsetMs
        self.uncertaintyMs = uncertaintyMs
        self.measuredMs = measuredMs
        self.samples = samples
        self.consistent = consistent
    }
}

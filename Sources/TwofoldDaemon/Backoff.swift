/// Exponential backoff with jitter for retrying a relay that is away (Protocol/daemon.md,
/// "Retries"; Protocol/sync.md, "Pushing": "Retries use exponential backoff with jitter").
///
/// The n-th consecutive failure waits `d/2 + random(0…d/2)` with `d = min(maximum,
/// initial · 2^(n-1))` ("equal jitter"): never zero, so a relay that refuses at once is not
/// hammered, and spread out, so devices that lost the relay together do not come back in
/// lock step.
public struct Backoff: Sendable, Equatable {
    /// The first delay (before jitter).
    public var initial: Duration
    /// The longest delay (before jitter).
    public var maximum: Duration

    /// A policy; the defaults suit a relay on the network.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = max(maximum, initial)
    }

    /// The ceiling of the delay after `failures` consecutive failures (no jitter).
    public func ceiling(failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 40) {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// The delay after `failures` consecutive failures, with `unit` (in 0…1) as the jitter.
    public func delay(failures: Int, unit: Double = Double.random(in: 0...1)) -> Duration {
        let ceiling = ceiling(failures: failures)
        return ceiling / 2 + ceiling * (min(max(unit, 0), 1) / 2)
    }
}

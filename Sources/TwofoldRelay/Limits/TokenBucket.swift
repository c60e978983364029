/// A token bucket: `burst` tokens, refilled at `ratePerSecond`; a request takes one
/// (Protocol/relay-api.md, "Limits").
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    public let ratePerSecond: Double
    /// Most tokens held.
    public let burst: Double
    /// Tokens held at ``updatedMs``.
    public private(set) var tokens: Double
    /// When ``tokens`` was last brought up to date.
    public private(set) var updatedMs: Int64

    /// A full bucket at `nowMs`.
    public init(ratePerSecond: Double, burst: Double, nowMs: Int64) {
        self.ratePerSecond = ratePerSecond
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.updatedMs = nowMs
    }

    /// Restores a stored state (store-backed buckets).
    public mutating func restore(tokens: Double, updatedMs: Int64) {
        self.tokens = min(burst, max(0, tokens))
        self.updatedMs = updatedMs
    }

    /// Adds the tokens earned since the last update; a clock that went back earns nothing.
    public mutating func refill(nowMs: Int64) {
        guard nowMs > updatedMs else { return }
        tokens = min(burst, tokens + Double(nowMs - updatedMs) / 1000 * ratePerSecond)
        updatedMs = nowMs
    }

    /// Whether a token is there.
    public var hasToken: Bool { tokens >= 1 }

    /// Whole seconds until the next token (at least 1).
    public var secondsUntilToken: Int {
        guard ratePerSecond > 0 else { return 3600 }
        let seconds = ((1 - tokens) / ratePerSecond).rounded(.up)
        return max(1, Int(min(seconds, 86_400)))
    }

    /// Whether the bucket is full at `nowMs` (it can be forgotten).
    public func isFull(nowMs: Int64) -> Bool {
        var copy = self
        copy.refill(nowMs: nowMs)
        return copy.tokens >= burst
    }

    /// Takes a token: nil when taken, else the whole seconds to wait.
    public mutating func take(nowMs: Int64) -> Int? {
        refill(nowMs: nowMs)
        guard hasToken else { return secondsUntilToken }
        tokens -= 1
        return nil
    }
}

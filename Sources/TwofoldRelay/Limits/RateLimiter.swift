import Foundation

/// Token buckets kept in this replica's memory, one per key (`device:<id>`,
/// `address:<ip>`...) (Protocol/relay-api.md, "Limits") [API-28].
///
/// A replica set grants at most N times the rate, which is fine for abuse control. Full
/// buckets are forgotten by ``prune(nowMs:)`` so memory follows active clients only.
public final class RateLimiter: @unchecked Sendable {
    /// A rate and a burst.
    public struct Rule: Sendable, Equatable {
        /// Tokens per second.
        public var ratePerSecond: Double
        /// Bucket size.
        public var burst: Double

        /// Creates a rule.
        public init(ratePerSecond: Double, burst: Double) {
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }

        /// `count` per hour with a burst of `burst` (default: `count`).
        public static func perHour(_ count: Double, burst: Double? = nil) -> Rule {
            Rule(ratePerSecond: count / 3600, burst: burst ?? count)
        }
    }

    private let lock = NSLock()
    private var buckets: [String: TokenBucket] = [:]

    /// An empty limiter.
    public init() {}

    /// Takes a token from `key`'s bucket under `rule`: nil when allowed, else seconds to wait.
    public func take(_ key: String, rule: Rule, nowMs: Int64) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        var bucket = buckets[key] ?? TokenBucket(ratePerSecond: rule.ratePerSecond, burst: rule.burst, nowMs: nowMs)
        let wait = bucket.take(nowMs: nowMs)
        buckets[key] = bucket
        return wait
    }

    /// Forgets buckets that have refilled completely.
    public func prune(nowMs: Int64) {
        lock.lock()
        defer { lock.unlock() }
        buckets = buckets.filter { !$0.value.isFull(nowMs: nowMs) }
    }

    /// Number of buckets held (tests, metrics).
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return buckets.count
    }
}

import Foundation

/// The relay's clock in Unix milliseconds; tests use ``ManualRelayClock`` to reach expiries.
public protocol RelayClock: Sendable {
    /// Now, in Unix milliseconds.
    var nowMs: Int64 { get }
}

/// The system clock.
public struct SystemRelayClock: RelayClock {
    /// Creates the system clock.
    public init() {}

    public var nowMs: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// A clock that moves only when told (tests).
public final class ManualRelayClock: RelayClock, @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    /// Starts at `startMs` (default: the system clock now).
    public init(startMs: Int64 = SystemRelayClock().nowMs) { value = startMs }

    public var nowMs: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Moves the clock forward.
    public func advance(byMs ms: Int64) {
        lock.lock()
        value += ms
        lock.unlock()
    }
}

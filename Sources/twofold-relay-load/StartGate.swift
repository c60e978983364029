import Foundation

/// Holds the device threads of a `devices` load until all of them have opened their push
/// streams, then lets them go with one start time, so that the run's clock counts only time
/// during which every device is connected.
final class StartGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private var startNs: UInt64?

    /// Called by a device thread when it is ready; returns the start time once `start` is called.
    func arriveAndWait() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        while startNs == nil { condition.wait() }
        return startNs!
    }

    /// Waits until `count` threads have arrived.
    func waitFor(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        while arrived < count { condition.wait() }
    }

    /// Releases every waiting thread with `ns` (monotonic nanoseconds) as the start.
    func start(at ns: UInt64) {
        condition.lock()
        defer { condition.unlock() }
        startNs = ns
        condition.broadcast()
    }
}

import Foundation
import TwofoldProtocol

/// Decides when a device's `last_seen_ms` is written: on its first authenticated request
/// this process sees, then at most once per `interval`, so `accounts list` says when an
/// account really last synced without a store write on every request.
public final class LastSeenThrottle: @unchecked Sendable {
    /// The least time between two writes for one device.
    public let intervalMs: Int64
    private let lock = NSLock()
    private var written: [DeviceID: Int64] = [:]

    /// A throttle writing each device at most once per `intervalMs` (default one minute).
    public init(intervalMs: Int64 = 60_000) {
        self.intervalMs = intervalMs
    }

    /// True when `device`'s last-seen time should be written now; the caller then writes it.
    public func shouldWrite(_ device: DeviceID, nowMs: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let last = written[device], nowMs - last < intervalMs, nowMs >= last { return false }
        // Forget devices not seen for an hour, so the map stays the size of the active set.
        if written.count > 4096 { written = written.filter { nowMs - $0.value < 3_600_000 } }
        written[device] = nowMs
        return true
    }
}

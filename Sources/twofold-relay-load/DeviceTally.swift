/// What one simulated device did and saw during a `devices` load: counts, latencies and the
/// push events it received. Each device writes only its own tally, on its own thread; the run
/// reads them all after the threads have ended, so there is nothing to lock.
final class DeviceTally {
    /// Requests made, by kind ("pull", "write", "stream").
    var requests: [String: Int] = [:]
    /// Failures, by kind ("pull: 429 rate_limited", "stream: dropped", …).
    var errors: [String: Int] = [:]
    /// `409 head_conflict` answers to a write: the documented answer to a stale head, after which
    /// the device pulls and tries again (relay-api.md, "Records"). Not errors.
    var headConflicts = 0
    /// Milliseconds per `GET /v1/records` (one page).
    var pullMs: [Double] = []
    /// Milliseconds per `POST /v1/records`.
    var writeMs: [Double] = []
    /// This device's accepted batches: the seq the relay answered and when the `POST` was sent
    /// (monotonic nanoseconds), to match with the other devices' push events.
    var writes: [(seq: Int64, sentNs: UInt64)] = []
    /// `records` events received on this device's push stream during the run, and when.
    var events: [(seq: Int64, atNs: UInt64)] = []
    /// Whether the push stream ended or failed before the run was over.
    var streamDropped = false

    /// Counts one request of `kind`.
    func request(_ kind: String) { requests[kind, default: 0] += 1 }

    /// Counts one failure.
    func error(_ kind: String) { errors[kind, default: 0] += 1 }
}

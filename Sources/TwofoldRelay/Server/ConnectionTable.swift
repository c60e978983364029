import Foundation

/// This replica's open connections (``ConnectionCounts`` under a lock), shared by every
/// connection's ``ConnectionGate``; counts and refusals also go to the metrics.
final class ConnectionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: ConnectionCounts

    /// Empty, under the caps of `counts`.
    init(_ counts: ConnectionCounts) {
        self.counts = counts
    }

    /// Counts a new connection from `key` if the caps allow it.
    func admit(_ key: String) -> ConnectionCounts.Decision {
        lock.withLock { counts.admit(key) }
    }

    /// Forgets an admitted connection.
    func release(_ key: String) {
        lock.withLock { counts.release(key) }
    }

    /// Open connections (tests, metrics).
    var open: Int { lock.withLock { counts.open } }
}

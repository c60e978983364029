/// Counts what crosses the wire and what the relay's clock said, for `twofold status`,
/// `sync --json` and the bytes benchmark.
///
/// Byte counts are of the HTTP/1.1 messages as this client sends and receives them:
/// request line, headers and body; status line, headers and body. TCP and TLS framing
/// are not included.
public actor TrafficMeter {
    /// Bytes sent.
    public private(set) var bytesSent = 0
    /// Bytes received.
    public private(set) var bytesReceived = 0
    /// Requests made.
    public private(set) var requests = 0
    /// Relay clock minus local clock, from the recent responses' `Date` headers ([API-4]).
    public var clockOffsetMilliseconds: Int64? { clockEstimate?.offsetMs }
    /// The offset with its uncertainty, from the `Date` headers of the answers of the last
    /// five minutes (at most ``clockWindow`` of them; Protocol/sync.md, "Clock offset").
    public private(set) var clockEstimate: ClockEstimate?
    private var clockSamples: [ClockSample] = []
    /// Most samples kept.
    static let clockWindow = 16
    /// Oldest sample kept, ms before the newest.
    static let clockWindowMs: Int64 = 300_000

    /// A meter at zero.
    public init() {}

    func record(sent: Int, received: Int) {
        bytesSent += sent
        bytesReceived += received
        requests += 1
    }

    func record(clock sample: ClockSample) {
        clockSamples.append(sample)
        // Older than the window, or "newer" than this one (the local clock was set back): dropped.
        clockSamples.removeAll { sample.receivedMs - $0.receivedMs > Self.clockWindowMs || $0.receivedMs > sample.receivedMs }
        if clockSamples.count > Self.clockWindow { clockSamples.removeFirst(clockSamples.count - Self.clockWindow) }
        clockEstimate = OffsetEstimator.estimate(clockSamples)
    }

    /// The counts as a value.
    public var snapshot: TrafficSnapshot {
        TrafficSnapshot(bytesSent: bytesSent, bytesReceived: bytesReceived, requests: requests,
                        clockOffsetMilliseconds: clockOffsetMilliseconds)
    }
}

/// A reading of a ``TrafficMeter``.
public struct TrafficSnapshot: Sendable, Equatable {
    /// Bytes sent.
    public var bytesSent: Int
    /// Bytes received.
    public var bytesReceived: Int
    /// Requests made.
    public var requests: Int
    /// Relay clock minus local clock.
    public var clockOffsetMilliseconds: Int64?
}

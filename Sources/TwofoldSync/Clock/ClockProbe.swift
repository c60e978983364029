import Foundation
import NIOHTTP1

/// Measures this computer's clock against the relay's (Protocol/sync.md, "Clock offset"):
/// a few `GET /v1/health` requests, one after another on one connection, each bracketed
/// by the local clock. The relay's `time_ms` gives the offset to about half a round
/// trip; its `Date` header, whole seconds only, is reported beside it as a cross-check.
public enum ClockProbe {
    /// What a probe found.
    public struct Measurement: Sendable, Equatable {
        /// From `time_ms`.
        public var estimate: ClockEstimate
        /// From the `Date` headers of the same answers (nil if none could be read).
        public var dateEstimate: ClockEstimate?
        /// The shortest round trip, ms.
        public var roundTripMs: Int64
        /// `open`, `invite` or `closed`.
        public var registration: String
        /// This computer's clocks at the newest sample.
        public var clock: SystemClock
    }

    /// Takes `samples` health readings (at least one must succeed; the first failure
    /// before any success is thrown). `deadline` bounds the whole probe.
    public static func measure(client: RelayClient, samples: Int = 5, deadline: Duration = .seconds(10))
        async throws(SyncError) -> Measurement {
        let started = ContinuousClock.now
        var health: [ClockSample] = []
        var dates: [ClockSample] = []
        var registration = ""
        var clock = SystemClock.now()
        for _ in 0..<max(samples, 1) {
            if !health.isEmpty && ContinuousClock.now - started > deadline { break }
            let sent = SystemClock.wallNowMs()
            let answer: (Int, HTTPHeaders, Data)
            do {
                answer = try await client.exchange(.GET, "/v1/health", body: nil, bearer: nil)
            } catch {
                if health.isEmpty { throw error }
                break
            }
            let now = SystemClock.now()
            let (status, headers, body) = answer
            guard status == 200 else {
                if health.isEmpty { throw RelayClient.failure(status: status, headers: headers, body: body) }
                break
            }
            guard let decoded = try? JSONDecoder().decode(Wire.Health.self, from: body) else {
                throw .invalidResponse("GET /v1/health answered JSON that does not match the API")
            }
            registration = decoded.registration
            clock = now
            health.append(ClockSample(sentMs: sent, receivedMs: now.wallMs, relayMs: Int64(clamping: decoded.time_ms),
                                      resolutionMs: ClockSample.healthResolutionMs))
            if let text = headers.first(name: "Date"), let relayMs = HTTPDate.milliseconds(text) {
                dates.append(ClockSample(sentMs: sent, receivedMs: now.wallMs, relayMs: relayMs,
                                         resolutionMs: ClockSample.dateResolutionMs))
            }
        }
        return Measurement(estimate: OffsetEstimator.estimate(health)!, dateEstimate: OffsetEstimator.estimate(dates),
                           roundTripMs: health.map(\.roundTripMs).min()!, registration: registration, clock: clock)
    }
}

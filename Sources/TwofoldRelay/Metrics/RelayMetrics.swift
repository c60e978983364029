import Foundation
import Prometheus

/// The relay's Prometheus metrics (Protocol/relay-api.md, "Health and metrics").
///
/// Labels are route templates, methods, statuses and codes only: never an account id, a
/// device id or an address [API-30]. One registry per application, so tests that build
/// many relays do not share counters.
public final class RelayMetrics: @unchecked Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }
    private var requestCounters: [RequestKey: Counter] = [:]
    private var durations: [RequestKey: DurationHistogram] = [:]
    private let streams: Gauge
    private static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                              .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                              .milliseconds(500), .seconds(1), .seconds(5)]

    /// Creates the metrics.
    public init() {
        streams = registry.makeGauge(descriptor: .init(namespace: "twofold", metricName: "push_streams", unitName: "",
                                                       helpText: "Push streams open on this replica."))
    }

    /// Counts a request and records its duration.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        lock.lock()
        let counter = requestCounters[key] ?? {
            let c = registry.makeCounter(
                descriptor: .init(namespace: "twofold", metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route template, method and status."),
                labels: [("route", route), ("method", method), ("status", String(status))])
            requestCounters[key] = c
            return c
        }()
        let durationKey = RequestKey(route: route, method: method, status: 0)
        let histogram = durations[durationKey] ?? {
            let h = registry.makeDurationHistogram(
                descriptor: .init(namespace: "twofold", metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer, by route template and method."),
                labels: [("route", route), ("method", method)], buckets: Self.buckets)
            durations[durationKey] = h
            return h
        }()
        lock.unlock()
        counter.increment()
        histogram.record(duration)
    }

    private func count(_ name: String, help: String, label: String, _ value: String) {
        registry.makeCounter(descriptor: .init(namespace: "twofold", metricName: name, unitName: "total", helpText: help),
                             labels: [(label, value)]).increment()
    }

    /// A challenge or token outcome by code.
    func authOutcome(_ code: String) { count("auth_outcomes", help: "Challenge and token outcomes by code.", label: "code", code) }
    /// A recovery claim by outcome.
    func recovery(_ outcome: String) { count("recovery_attempts", help: "Recovery claims by outcome.", label: "outcome", outcome) }
    /// A quota refusal by quota.
    func quotaRefused(_ quota: String) { count("quota_refusals", help: "Writes refused by a storage quota.", label: "quota", quota) }
    /// A rate-limit refusal by scope.
    func rateLimited(_ scope: String) { count("rate_limited", help: "Requests refused by a rate limit, by scope.", label: "scope", scope) }
    /// The open-streams gauge.
    func connectionRefused(_ reason: String) {
        count("connections_refused", help: "Connections answered 503 by a connection cap, by cap.", label: "cap", reason)
    }

    func setStreams(_ n: Int) { streams.set(Double(n)) }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}

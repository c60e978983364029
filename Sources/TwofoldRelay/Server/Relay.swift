import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TwofoldProtocol

/// The state every route shares: configuration, store, secrets, clock, the device
/// directory, rate limiters, push hub and metrics. One per application.
public final class Relay: Sendable {
    /// The configuration it runs with.
    public let configuration: RelayConfiguration
    /// The store.
    public let store: any RelayStore
    /// The secrets, read from the store at start [API-5].
    let secrets: RelaySecrets
    /// The clock.
    let clock: any RelayClock
    /// Device statuses in memory [API-12].
    public let directory: DeviceDirectory
    /// Per-replica token buckets.
    let limiter = RateLimiter()
    /// When each device's last-seen time is next written (`accounts list`).
    let lastSeen = LastSeenThrottle()
    /// This replica's open connections, under `connections-per-address` and `connections`.
    let connections: ConnectionTable
    /// Push streams of this replica.
    public let hub: PushHub
    /// Prometheus metrics.
    public let metrics: RelayMetrics
    /// Token and device checks.
    let authenticator: Authenticator
    /// Encoded pull pages, dropped on every change the hub hears of.
    let pullPages: PullPageCache
    /// The `Date` header cache.
    let dateHeader = DateHeader()
    /// The logger.
    let logger: Logger

    /// Assembles the relay around an opened store.
    public init(configuration: RelayConfiguration, store: any RelayStore, logger: Logger) async throws {
        self.configuration = configuration
        self.store = store
        self.clock = configuration.clock
        self.logger = logger
        secrets = try await store.secrets()
        var descriptors = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &descriptors)
        let limits = configuration.limits
        connections = ConnectionTable(ConnectionCounts(
            perAddress: limits.connectionsPerAddress,
            total: ConnectionCounts.effectiveTotal(setting: limits.connections, descriptorLimit: Int(clamping: descriptors.rlim_cur)),
            exempt: Set(configuration.trustedProxies.map(ClientAddress.limitKey))))
        let pullPages = PullPageCache()
        self.pullPages = pullPages
        // A full reload means changes may have been missed (a notification connection that
        // dropped, the admin command): cached pages go with it.
        directory = DeviceDirectory(onLoad: { pullPages.invalidateAll() })
        directory.load(try await store.deviceDirectory())
        let metrics = RelayMetrics()
        self.metrics = metrics
        hub = PushHub(clock: configuration.clock, keepAliveSeconds: configuration.keepAliveSeconds,
                      onCountChange: { metrics.setStreams($0) },
                      onAccountChange: { pullPages.invalidate(account: $0) })
        authenticator = Authenticator(secret: secrets.auth, directory: directory, store: store, metrics: metrics)
    }

    /// The client's address: the peer, or the first untrusted `X-Forwarded-For` hop when the
    /// peer is a trusted proxy (relay-api.md, "Terminology").
    func address(_ request: Request, _ context: RelayRequestContext) -> String {
        let peer = context.peerAddress ?? "local"
        guard configuration.trustedProxies.contains(peer), let forwarded = request.headers[.xForwardedFor] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.reversed().first { !configuration.trustedProxies.contains($0) } ?? peer
    }

    /// The key the client's address is limited by: its IPv6 /64 (``ClientAddress``).
    func addressKey(_ request: Request, _ context: RelayRequestContext) -> String {
        ClientAddress.limitKey(address(request, context))
    }

    /// Takes a token from the address's bucket for `scope`, or throws `rate_limited`.
    func limitAddress(_ scope: String, rule: RateLimiter.Rule, _ request: Request, _ context: RelayRequestContext) throws {
        if let wait = limiter.take("\(scope):\(addressKey(request, context))", rule: rule, nowMs: clock.nowMs) {
            metrics.rateLimited(scope)
            throw RelayError.rateLimited("address", retryAfter: wait)
        }
    }

    /// Signs a device in: a fresh access token (relay-api.md, "Access tokens").
    func issueToken(account: AccountID, device: DeviceID, epoch: Int64) -> JSONValue {
        let now = UInt64(max(0, clock.nowMs))
        let token = AccessToken.issue(accountID: account, deviceID: device, nowMilliseconds: now, secret: secrets.auth,
                                      lifetimeMilliseconds: UInt64(configuration.tokenLifetimeMs))
        return .obj(["access_token": .string(token.text), "token_type": .string("Bearer"),
                     "expires_at_ms": .uint(token.expiresAtMilliseconds), "account_id": .string(account.hex),
                     "epoch": .int(epoch)])
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `Twofold-Request-Id` (relay-api.md, "Transport").
    static let twofoldRequestID = HTTPField.Name("Twofold-Request-Id")!
}

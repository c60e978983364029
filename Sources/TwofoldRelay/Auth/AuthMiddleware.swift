import Hummingbird
import Logging

/// Guards the routes that take an access token: verifies it, checks the device, applies
/// the per-device rate limit, and puts the device in the context (Protocol/relay-api.md,
/// "Authentication") [API-11][API-12]. A refused request never reaches a handler.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let relay: Relay

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.device = try await relay.authenticate(request, logger: context.logger)
        return try await next(request, context)
    }
}

extension Relay {
    /// The checks of ``AuthMiddleware``: the bearer token, the device's standing, then the
    /// per-device rate limit [API-11][API-12][API-28].
    func authenticate(_ request: Request, logger: Logger) async throws -> AuthenticatedDevice {
        let now = clock.nowMs
        let (device, limitKey) = try await authenticator.authenticateWithLimitKey(
            authorization: request.headers[.authorization], nowMs: now, logger: logger)
        if let wait = limiter.take(limitKey, rule: configuration.limits.deviceRate, nowMs: now) {
            metrics.rateLimited("device")
            throw RelayError.rateLimited("device", retryAfter: wait)
        }
        if lastSeen.shouldWrite(device.deviceID, nowMs: now) {
            // Best effort: a failed write must not fail the request it describes.
            do {
                try await store.touch(device: device.deviceID, account: device.accountID, nowMs: now)
            } catch {
                logger.debug("last-seen write failed", metadata: ["error": "\(error)"])
            }
        }
        return device
    }
}

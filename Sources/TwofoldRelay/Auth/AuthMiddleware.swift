import Hummingbird

/// Guards the routes that take an access token: verifies it, checks the device, applies
/// the per-device rate limit, and puts the device in the context (Protocol/relay-api.md,
/// "Authentication") [API-11][API-12]. A refused request never reaches a handler.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let relay: Relay

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let now = relay.clock.nowMs
        let device = try await relay.authenticator.authenticate(
            authorization: request.headers[.authorization], nowMs: now, logger: context.logger)
        if let wait = relay.limiter.take("device:\(device.deviceID.hex)", rule: relay.configuration.limits.deviceRate, nowMs: now) {
            relay.metrics.rateLimited("device")
            throw RelayError.rateLimited("device", retryAfter: wait)
        }
        var context = context
        context.device = device
        return try await next(request, context)
    }
}

import Hummingbird

/// The outermost responder: every response, errors included, gets `Date` [API-4] and
/// `Twofold-Request-Id`, is counted in the metrics by route template, and is logged at
/// debug level. Errors that escape the router become the relay's error object.
struct RelayResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == RelayRequestContext {
    typealias Context = RelayRequestContext
    let inner: Inner
    let relay: Relay

    func respond(to request: Request, context: Context) async throws -> Response {
        // A connection's task keeps, for as long as it lives, the memory of the deepest async
        // stack it ever reached. A push stream lives for minutes with 10,000 others, so its
        // routing, authentication and store read run in a child task whose stack is freed when
        // it answers; the connection then holds only the stream's own frames (~10 KB less each).
        if request.uri.path == "/v1/events" {
            let responder = self
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask { try await responder.respondHere(to: request, context: context) }
                return try await group.next()!
            }
        }
        return try await respondHere(to: request, context: context)
    }

    private func respondHere(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            if let direct = try await RelayRoutes.directPull(request, context: context, relay: relay) {
                response = direct
            } else {
                response = try await inner.respond(to: request, context: context)
            }
        } catch let error as RelayError {
            response = error.makeResponse()
        } catch let error as HTTPError {
            response = ErrorMiddleware.map(error, request: request).makeResponse()
        } catch is CancellationError {
            response = RelayError.unavailable().makeResponse()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = RelayError.internalError.makeResponse()
        }
        response.headers[.date] = relay.dateHeader.value(nowMs: relay.clock.nowMs)
        let requestID = context.id
        response.headers[.twofoldRequestID] = requestID
        let route = context.endpointPath.map { $0 == "NotFound" ? "unmatched" : $0 } ?? "unmatched"
        relay.metrics.request(route: route, method: request.method.rawValue, status: response.status.code,
                              duration: ContinuousClock.now - start)
        if response.status.code >= 500 {
            context.logger.warning("answered \(response.status.code)", metadata: ["route": "\(route)"])
        }
        return response
    }
}

import Hummingbird

/// The outermost responder: every response, errors included, gets `Date` [API-4] and
/// `Twofold-Request-Id`, is counted in the metrics by route template, and is logged at
/// debug level. Errors that escape the router become the relay's error object.
struct RelayResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == RelayRequestContext {
    typealias Context = RelayRequestContext
    let inner: Inner
    let relay: Relay

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch let error as RelayError {
            response = error.makeResponse()
        } catch let error as HTTPError {
            response = ErrorMiddleware.map(error, request: request).makeResponse()
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

import Hummingbird

/// Turns every error below it into the relay's error object (Protocol/relay-api.md,
/// "Errors") [API-25]: Hummingbird's own errors get the matching code (an unknown route
/// `not_found`, a known route with another method `method_not_allowed`), a full disk
/// `unavailable` (``RelayError/storeFailure(_:)``), anything else
/// `internal_error`, logged with its details and never shown to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    let relay: Relay

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RelayError {
            if error.code == .quotaExceeded, case .string(let quota)? = error.details.first(where: { $0.key == "quota" })?.value {
                relay.metrics.quotaRefused(quota)
            }
            return error.makeResponse()
        } catch let error as HTTPError {
            return Self.map(error, request: request).makeResponse()
        } catch is CancellationError {
            return RelayError.unavailable().makeResponse()
        } catch {
            if let refusal = RelayError.storeFailure(error) {
                context.logger.error("the store refused a write for lack of resources",
                                     metadata: ["error": "\(RelayError.logDescription(error))", "path": "\(request.uri.path)"])
                return refusal.makeResponse()
            }
            context.logger.error("request failed", metadata: ["error": "\(RelayError.logDescription(error))", "path": "\(request.uri.path)"])
            return RelayError.internalError.makeResponse()
        }
    }

    static func map(_ error: HTTPError, request: Request) -> RelayError {
        switch error.status {
        case .notFound:
            let methods = RouteTable.methods(for: request.uri.path)
            if !methods.isEmpty {
                var e = RelayError(.methodNotAllowed, "\(request.method) is not allowed on this route; use \(methods.joined(separator: ", "))")
                e.allow = methods.joined(separator: ", ")
                return e
            }
            return RelayError(.notFound, "no such route: the relay API is under /v1 (see Protocol/openapi.yaml)")
        case .contentTooLarge: return .bodyTooLarge(limit: 0)
        case .unsupportedMediaType: return RelayError(.unsupportedMediaType, "the body must be application/json")
        case .badRequest: return .malformed("the request is malformed")
        case .methodNotAllowed: return RelayError(.methodNotAllowed, "this method is not allowed on this route")
        case .serviceUnavailable: return .unavailable()
        default: return .internalError
        }
    }
}

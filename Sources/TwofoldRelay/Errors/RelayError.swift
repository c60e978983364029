import Hummingbird

/// Every refusal the relay sends: a stable code, a one-line message saying what is wrong
/// and what to do, and machine-readable particulars (Protocol/relay-api.md, "Errors")
/// [API-25]. It is the one error type that reaches clients; ``RelayResponder`` turns any
/// other error into `internal_error` or the matching code.
public struct RelayError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// The stable code clients act on.
    public let code: RelayErrorCode
    /// One line for people: what is wrong and what to do.
    public let message: String
    /// `error.details`: limit, used, quota, retry_after_s, epoch.
    public var details: [JSONValue.Member]
    /// The top-level `conflict` member of a 409 on records, head, epoch or rotation.
    public var conflict: JSONValue?
    /// Seconds for `Retry-After` (429 and 503 MUST carry it) [API-26].
    public var retryAfterSeconds: Int?
    /// `Allow` for a 405.
    public var allow: String?

    /// Creates an error; prefer the named constructors.
    public init(_ code: RelayErrorCode, _ message: String, details: [JSONValue.Member] = [],
                conflict: JSONValue? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.conflict = conflict
        self.retryAfterSeconds = retryAfterSeconds
        if let retryAfterSeconds, !details.contains(where: { $0.key == "retry_after_s" }) {
            self.details.append(.init("retry_after_s", .int(Int64(retryAfterSeconds))))
        }
    }

    /// 401 `account_disabled`: the relay's admin suspended the account (`accounts disable`).
    public static let accountDisabled = RelayError(
        .accountDisabled, "the relay's admin has suspended this account: ask them to enable it; the local vault stays readable")

    /// The HTTP status of the code.
    public var status: HTTPResponse.Status { code.status }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The JSON error object.
    public var json: JSONValue {
        var error: [JSONValue.Member] = [.init("code", .string(code.rawValue)), .init("message", .string(message))]
        if !details.isEmpty { error.append(.init("details", .object(details))) }
        var top: [JSONValue.Member] = [.init("error", .object(error))]
        if let conflict { top.append(.init("conflict", conflict)) }
        return .object(top)
    }

    /// The response: status, JSON body, `Retry-After`, `WWW-Authenticate`, `Allow`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    /// The response without a request (used by ``RelayResponder`` for errors of its own).
    func makeResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfterSeconds { headers[.retryAfter] = String(max(1, retryAfterSeconds)) }
        if code.isBearerRefusal { headers[.wwwAuthenticate] = "Bearer" }
        if let allow { headers[.allow] = allow }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}

extension RelayError {
    /// 400 `malformed_request`: the body or a parameter is not as specified.
    public static func malformed(_ what: String) -> RelayError {
        RelayError(.malformedRequest, "\(what); fix the request (see Protocol/openapi.yaml)")
    }

    /// 413 `body_too_large` with the route's limit [API-27].
    public static func bodyTooLarge(limit: Int) -> RelayError {
        RelayError(.bodyTooLarge, "the request body exceeds \(limit) bytes; send fewer items per request",
                   details: [.init("limit", .int(Int64(limit)))])
    }

    /// 429 `rate_limited` with the wait in whole seconds [API-26].
    public static func rateLimited(_ who: String, retryAfter: Int) -> RelayError {
        RelayError(.rateLimited, "too many requests from this \(who); retry after \(retryAfter) s",
                   retryAfterSeconds: retryAfter)
    }

    /// 507 `quota_exceeded` naming the quota, its limit and the use [API-25].
    public static func quota(_ quota: String, limit: Int64, used: Int64, advice: String) -> RelayError {
        RelayError(.quotaExceeded, "the account is at the relay's limit of \(limit) \(quota.split(separator: "_").joined(separator: " ")); \(advice)",
                   details: [.init("quota", .string(quota)), .init("limit", .int(limit)), .init("used", .int(used))])
    }

    /// 500 `internal_error`: a relay bug; the details are in the relay's log, not here.
    public static let internalError = RelayError(.internalError, "the relay failed to handle the request; retry with backoff and report it to the relay's admin if it persists")

    /// 503 `unavailable`: the store does not answer or the relay is shutting down.
    public static func unavailable(retryAfter: Int = 5) -> RelayError {
        RelayError(.unavailable, "the relay is unavailable (store not answering or shutting down); retry after \(retryAfter) s",
                   retryAfterSeconds: retryAfter)
    }
}

import HTTPTypes

/// The stable error codes of the relay API and the HTTP status each travels with
/// (Protocol/relay-api.md, "Errors"; Protocol/openapi.yaml, `ErrorCode`) [API-25].
///
/// Clients act on the code, never on the message; new codes may be added, none is renamed.
public enum RelayErrorCode: String, Sendable, CaseIterable, Codable {
    case malformedRequest = "malformed_request"
    case unsupportedMediaType = "unsupported_media_type"
    case tokenMissing = "token_missing"
    case tokenInvalid = "token_invalid"
    case tokenExpired = "token_expired"
    case authFailed = "auth_failed"
    case challengeInvalid = "challenge_invalid"
    case challengeExpired = "challenge_expired"
    case challengeUsed = "challenge_used"
    case recoveryFailed = "recovery_failed"
    case deviceRevoked = "device_revoked"
    case accountDeleted = "account_deleted"
    case accountDisabled = "account_disabled"
    case metricsUnauthorized = "metrics_unauthorized"
    case registrationClosed = "registration_closed"
    case inviteRequired = "invite_required"
    case inviteInvalid = "invite_invalid"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case linkNotFound = "link_not_found"
    case grantMissing = "grant_missing"
    case versionConflict = "version_conflict"
    case headConflict = "head_conflict"
    case epochMismatch = "epoch_mismatch"
    case rotationConflict = "rotation_conflict"
    case accountExists = "account_exists"
    case deviceExists = "device_exists"
    case rendezvousTaken = "rendezvous_taken"
    case linkUsed = "link_used"
    case snapshotExists = "snapshot_exists"
    case bodyTooLarge = "body_too_large"
    case batchTooLarge = "batch_too_large"
    case rateLimited = "rate_limited"
    case recoveryRateLimited = "recovery_rate_limited"
    case tooManyStreams = "too_many_streams"
    case quotaExceeded = "quota_exceeded"
    case headInvalid = "head_invalid"
    case recordInvalid = "record_invalid"
    case internalError = "internal_error"
    case unavailable = "unavailable"

    /// The HTTP status the code is sent with (the table in relay-api.md, "Errors").
    public var status: HTTPResponse.Status {
        switch self {
        case .malformedRequest: return .badRequest
        case .unsupportedMediaType: return .unsupportedMediaType
        case .tokenMissing, .tokenInvalid, .tokenExpired, .authFailed, .challengeInvalid, .challengeExpired,
             .challengeUsed, .recoveryFailed, .deviceRevoked, .accountDeleted, .accountDisabled, .metricsUnauthorized:
            return .unauthorized
        case .registrationClosed, .inviteRequired, .inviteInvalid: return .forbidden
        case .notFound, .linkNotFound, .grantMissing: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .versionConflict, .headConflict, .epochMismatch, .rotationConflict, .accountExists, .deviceExists,
             .rendezvousTaken, .linkUsed, .snapshotExists:
            return .conflict
        case .bodyTooLarge, .batchTooLarge: return .contentTooLarge
        case .rateLimited, .recoveryRateLimited, .tooManyStreams: return .tooManyRequests
        case .quotaExceeded: return .init(code: 507, reasonPhrase: "Insufficient Storage")
        case .headInvalid, .recordInvalid: return .unprocessableContent
        case .internalError: return .internalServerError
        case .unavailable: return .serviceUnavailable
        }
    }

    /// Whether a 401 with this code answers a route that takes a bearer token, and so
    /// carries `WWW-Authenticate: Bearer` (relay-api.md, "Access tokens").
    var isBearerRefusal: Bool {
        switch self {
        case .tokenMissing, .tokenInvalid, .tokenExpired, .deviceRevoked, .accountDeleted, .accountDisabled: return true
        default: return false
        }
    }
}

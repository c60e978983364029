import TwofoldProtocol
import TwofoldVault

/// The failures of TwofoldSync that a caller must tell apart. Every message is one line:
/// what is wrong and what to do; none carries a secret.
public enum SyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The relay origin is not a usable URL.
    case invalidRelayURL(String)
    /// A plain-HTTP relay that is not on loopback ([API-3]).
    case insecureRelay(String)
    /// No connection: refused, unreachable, name unknown.
    case unreachable(relay: String, reason: String)
    /// The relay did not answer in time.
    case timedOut(relay: String)
    /// The TLS handshake failed (certificate not trusted, wrong name).
    case tls(relay: String, reason: String)
    /// The `--relay-ca` file cannot be used.
    case certificateFile(path: String, reason: String)
    /// The relay answered with an error this client does not handle itself.
    case relay(RelayFailure)
    /// The relay does not know this device (401 `auth_failed`).
    case deviceUnknown
    /// This device was revoked (401 `device_revoked`).
    case deviceRevoked
    /// The account was deleted (401 `account_deleted`).
    case accountDeleted
    /// The relay's admin suspended the account (401 `account_disabled`); it may come back.
    case accountDisabled
    /// The recovery key or passphrase was not accepted (401 `recovery_failed`); the relay
    /// does not say whether the account exists ([DEV-12]).
    case recoveryFailed
    /// The relay asks to wait (429 `rate_limited`, `recovery_rate_limited`).
    case rateLimited(retryAfterSeconds: Int, recovery: Bool)
    /// A compare-and-swap lost (`version_conflict`, `head_conflict`): pull, merge, retry.
    case conflict(code: String)
    /// Conflicts kept coming back after this many rounds.
    case conflictsPersist(attempts: Int)
    /// Pulled data failed verification (head, set digest, authentication); nothing was applied.
    case rejected(String)
    /// The vault cannot go on (not attached, removed from the roster, locked).
    case refused(SyncRefusal)
    /// The local vault failed.
    case vault(VaultError)
    /// The relay answered something that is not what the API specifies.
    case invalidResponse(String)

    /// True when the same round may succeed later without anyone doing anything
    /// (the daemon retries these with backoff).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timedOut, .rateLimited, .conflict, .conflictsPersist: return true
        case .relay(let failure): return failure.status >= 500 || failure.status == 429
        default: return false
        }
    }

    /// A stable name for scripts (`twofold status --json`, `sync --json`).
    public var code: String {
        switch self {
        case .invalidRelayURL: return "invalid_relay_url"
        case .insecureRelay: return "insecure_relay"
        case .unreachable: return "relay_unreachable"
        case .timedOut: return "relay_timeout"
        case .tls: return "tls_failed"
        case .certificateFile: return "ca_file_invalid"
        case .relay(let failure): return failure.code
        case .deviceUnknown: return "auth_failed"
        case .deviceRevoked: return "device_revoked"
        case .accountDeleted: return "account_deleted"
        case .accountDisabled: return "account_disabled"
        case .recoveryFailed: return "recovery_failed"
        case .rateLimited(_, let recovery): return recovery ? "recovery_rate_limited" : "rate_limited"
        case .conflict(let code): return code
        case .conflictsPersist: return "conflicts_persist"
        case .rejected: return "verification_failed"
        case .refused: return "refused"
        case .vault: return "vault_error"
        case .invalidResponse: return "invalid_response"
        }
    }

    public var description: String {
        switch self {
        case .invalidRelayURL(let url):
            return "'\(url.prefix(100))' is not a relay URL: give https://HOST[:PORT] (or http://127.0.0.1:PORT for a local relay)"
        case .insecureRelay(let url):
            return "\(url) is plain HTTP on a network address: use https:// (plain http is allowed on loopback only)"
        case .unreachable(let relay, let reason):
            return "cannot reach the relay \(relay) (\(reason)): check the address and your connection, then sync again"
        case .timedOut(let relay):
            return "the relay \(relay) did not answer in time: check your connection, then sync again"
        case .tls(let relay, let reason):
            return "the TLS connection to \(relay) failed (\(reason)): check the address, or pass the relay's CA with --relay-ca FILE"
        case .certificateFile(let path, let reason):
            return "cannot use the CA file \(path) (\(reason)): give a PEM certificate file"
        case .relay(let failure):
            return "the relay refused the request (\(failure.code)): \(failure.message)"
        case .deviceUnknown:
            return "the relay does not know this device (auth_failed): check the relay URL; restore or link this device again"
        case .deviceRevoked:
            return "this device was removed from its account (device_revoked): nothing more syncs; link it again from another device"
        case .accountDeleted:
            return "the account was deleted on the relay (account_deleted): nothing more syncs; the local vault stays readable"
        case .accountDisabled:
            return "the relay's admin has suspended this account (account_disabled): ask them to enable it; the local vault stays readable"
        case .recoveryFailed:
            return "the relay did not accept the recovery key for this account (recovery_failed): check the account id and the 24 words"
        case .rateLimited(let seconds, let recovery):
            return recovery
                ? "too many recovery attempts (recovery_rate_limited): wait \(seconds) s before trying again"
                : "the relay is rate limiting this device (rate_limited): wait \(seconds) s and sync again"
        case .conflict(let code):
            return "another device wrote at the same time (\(code)): sync again"
        case .conflictsPersist(let attempts):
            return "other devices kept writing during \(attempts) attempts: sync again in a moment"
        case .rejected(let why):
            return why
        case .refused(let refusal):
            return refusal.description
        case .vault(let error):
            return error.description
        case .invalidResponse(let why):
            return "the relay's answer is not valid (\(why)): check that the URL is a Twofold relay and that both are up to date"
        }
    }

    /// Classifies an error thrown by the vault during sync.
    public static func from(_ error: any Error) -> SyncError {
        switch error {
        case let error as SyncError: return error
        case let error as ProtocolError: return .rejected(error.description)
        case let error as SyncRefusal: return .refused(error)
        case let error as VaultError: return .vault(error)
        default: return .invalidResponse(String(describing: error))
        }
    }
}

/// A relay error response (Protocol/relay-api.md, "Errors").
public struct RelayFailure: Sendable, Equatable {
    /// HTTP status.
    public var status: Int
    /// The stable error code (`malformed_request`, `quota_exceeded`, ...).
    public var code: String
    /// The relay's one-line message.
    public var message: String
    /// `Retry-After`, when given.
    public var retryAfterSeconds: Int?

    /// Creates a failure.
    public init(status: Int, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }
}

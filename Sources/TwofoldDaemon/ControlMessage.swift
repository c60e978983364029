/// A request on the control socket: one JSON object on one line (Protocol/daemon.md,
/// "The control socket"). Members are snake_case on the wire.
public struct ControlRequest: Codable, Sendable, Equatable {
    /// `status`, `nudge`, `sync`, `unlock`, `lock`, `key`, `snapshot`, `hotp`, `watch`.
    public var op: String
    /// `unlock`: the unlock key, unpadded base64url.
    public var key: String?
    /// `unlock`: idle timeout in seconds (the daemon's default when absent).
    public var timeoutS: Int?
    /// `hotp`: the token's record id, 32 hex digits.
    public var id: String?

    /// A request.
    public init(op: String, key: String? = nil, timeoutS: Int? = nil, id: String? = nil) {
        self.op = op
        self.key = key
        self.timeoutS = timeoutS
        self.id = id
    }
}

/// An answer on the control socket: one JSON object on one line. `ok` is always present;
/// `error` when `ok` is false; the other members depend on the request.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// A failure: a stable code and a one-line message saying what to do.
    public struct Failure: Codable, Sendable, Equatable {
        /// `locked`, `bad_request`, `unknown_op`, `wrong_key`, `sync_failed`, `not_attached`, …
        public var code: String
        /// What is wrong and what to do.
        public var message: String
    }

    /// The daemon itself.
    public struct Daemon: Codable, Sendable, Equatable {
        /// Its process id.
        public var pid: Int32
        /// Its version.
        public var version: String
        /// When it started, Unix milliseconds.
        public var startedMs: UInt64
        /// The device home it serves.
        public var home: String
    }

    /// The sync loop (``SyncLoop/Status``) and the vault's sync state.
    public struct Sync: Codable, Sendable, Equatable {
        public var relay: String?
        public var pushConnected: Bool
        public var syncing: Bool
        public var rounds: Int
        public var lastRoundMs: UInt64?
        public var lastSuccessMs: UInt64?
        public var lastError: String?
        public var lastErrorCode: String?
        public var failures: Int
        public var retryInMs: Int?
        public var pending: Int?
        public var lastSeq: UInt64?
    }

    /// What a round did (`sync`, `watch`).
    public struct Round: Codable, Sendable, Equatable {
        public var pulled: Int
        public var updated: Int
        public var pushed: Int
        public var conflicts: Int
        public var lastSeq: UInt64
        public var finishedMs: UInt64
    }

    /// A snapshot (`snapshot`) or the snapshot schedule (`status`).
    public struct Snapshot: Codable, Sendable, Equatable {
        public var id: String?
        public var createdMs: UInt64?
        public var size: Int?
        public var lastMs: UInt64?
        public var nextMs: UInt64?
        public var deleted: Int?
        public var lastError: String?
    }

    /// An HOTP code handed out by the daemon (`hotp`).
    public struct HOTP: Codable, Sendable, Equatable {
        public var code: String
        public var counter: UInt64
        /// True when the counter was confirmed with the relay before the code was given.
        public var confirmed: Bool
    }

    public var ok: Bool
    public var error: Failure?
    public var daemon: Daemon?
    public var locked: Bool?
    public var unlockExpiresInS: Int?
    public var sync: Sync?
    public var round: Round?
    public var key: String?
    public var snapshot: Snapshot?
    public var hotp: HOTP?

    /// A success with no members but `ok`.
    public static var success: ControlResponse { ControlResponse(ok: true) }

    /// A failure.
    public static func failure(_ code: String, _ message: String) -> ControlResponse {
        ControlResponse(ok: false, error: Failure(code: code, message: message))
    }

    /// Creates a response.
    public init(ok: Bool, error: Failure? = nil) {
        self.ok = ok
        self.error = error
    }
}

import TwofoldProtocol

/// What a push stream tells a device: that something changed, never what
/// (Protocol/relay-api.md, "Push: server-sent events") [API-23].
public enum PushEvent: Sendable, Equatable {
    /// Records up to this seq exist.
    case records(seq: Int64)
    /// The account rotated to this epoch.
    case epoch(Int64)
    /// This device was revoked (or its account deleted); the stream closes after it.
    case revoked
    /// `: keep-alive`, every 25 s [API-24].
    case keepAlive

    /// The server-sent-events text of the event.
    public var text: String {
        switch self {
        case .records(let seq): return "event: records\nid: \(seq)\ndata: {\"seq\":\(seq)}\n\n"
        case .epoch(let epoch): return "event: epoch\ndata: {\"epoch\":\(epoch)}\n\n"
        case .revoked: return "event: revoked\ndata: {}\n\n"
        case .keepAlive: return ": keep-alive\n\n"
        }
    }

    /// Whether the stream ends after this event.
    var closesStream: Bool { self == .revoked }
}

/// Where committed changes are announced. ``PushHub`` delivers to this replica's streams. On
/// PostgreSQL the other replicas hear of a change from the store itself — it `NOTIFY`s inside
/// the writing transaction — and ``PostgresChangeListener`` hands it to their fan-out (issue 8).
public protocol PushFanOut: Sendable {
    /// Delivers `event` to every stream of `account` except those of `exceptDevice`.
    func publish(_ event: PushEvent, account: AccountID, exceptDevice: DeviceID?)
    /// Sends `revoked` to the streams of these devices and closes them.
    func revoke(_ devices: [DeviceID], account: AccountID)
    /// Sends `revoked` to every stream of the account and closes them (account deleted).
    func closeAccount(_ account: AccountID)
}

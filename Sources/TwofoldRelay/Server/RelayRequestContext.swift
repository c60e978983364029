import Hummingbird
import NIOCore
import TwofoldProtocol

/// The per-request context: Hummingbird's core storage, the client's address and, on
/// authenticated routes, the device the bearer token names (set by ``AuthMiddleware``).
public struct RelayRequestContext: RequestContext {
    /// Hummingbird's storage (logger, parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer's IP address; nil in router tests. Formatted only when a route asks
    /// (the per-address limits), not on every request.
    public var peerAddress: String? { remoteAddress?.ipAddress }
    private let remoteAddress: SocketAddress?
    /// The authenticated device, on routes that take a token.
    public var device: AuthenticatedDevice?

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        device = nil
    }

    /// The authenticated device; only called on routes behind ``AuthMiddleware``.
    func requireDevice() throws(RelayError) -> AuthenticatedDevice {
        guard let device else { throw RelayError(.tokenMissing, "this route needs an access token: sign in (POST /v1/auth/token) and send it as Authorization: Bearer") }
        return device
    }
}

/// Who made an authenticated request: from a verified token, with the device active [API-12].
public struct AuthenticatedDevice: Sendable, Equatable {
    /// The account the token names.
    public var accountID: AccountID
    /// The device the token names.
    public var deviceID: DeviceID
    /// When the token stops working (push streams close then).
    public var expiresAtMs: Int64
}

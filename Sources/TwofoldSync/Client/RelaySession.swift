import Foundation
import NIOHTTP1
import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// A device signed in to its relay (Protocol/relay-api.md, "Authentication"): signs a
/// fresh `device` challenge with the device's Ed25519 key, keeps the access token, renews
/// it a minute before it expires, and signs in again and repeats a request once when the
/// relay answers `token_expired` or `token_invalid`.
public actor RelaySession {
    /// The HTTP client.
    public nonisolated let client: RelayClient
    /// The account this device belongs to.
    public nonisolated let account: AccountID
    /// This device.
    public nonisolated let device: DeviceID
    private let signingKey: Ed25519KeyPair
    private var token: (text: String, expiresAt: UInt64)?
    private let now: @Sendable () -> UInt64
    private var onToken: (@Sendable (String, UInt64) -> Void)?

    /// Renew this long before the token's expiry.
    static let refreshMargin: UInt64 = 60_000

    /// A session that signs in on first use.
    public init(client: RelayClient, account: AccountID, device: DeviceID, signingKey: Ed25519KeyPair,
                now: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }) {
        self.client = client
        self.account = account
        self.device = device
        self.signingKey = signingKey
        self.now = now
    }

    /// Uses a token the relay handed out with account creation or a recovery claim.
    public func adopt(token text: String, expiresAt: UInt64) {
        token = (text, expiresAt)
    }

    /// Forgets the token, so the next request signs in.
    public func invalidate() {
        token = nil
        onToken?("", 0)
    }

    /// Calls `save` with every new token (and with an empty one when it is dropped), so a
    /// caller can keep it across processes.
    public func persistTokens(_ save: @escaping @Sendable (String, UInt64) -> Void) { onToken = save }

    /// A valid access token, signing in when there is none or it is about to expire.
    public func accessToken() async throws(SyncError) -> String {
        if let token, now() + Self.refreshMargin < token.expiresAt { return token.text }
        let challenge = try await Self.challenge(client: client, purpose: .device)
        let message = AuthMessage.device(accountID: account, deviceID: device, challenge: challenge)
        let request = Wire.TokenRequest(
            account_id: account.hex, device_id: device.hex, challenge: challenge.text,
            signature: Base64URL.encode(AuthSignature.sign(message, with: signingKey)))
        let answer = try await client.send(.POST, "/v1/auth/token", body: request, as: Wire.TokenResponse.self)
        token = (answer.access_token, answer.expires_at_ms)
        onToken?(answer.access_token, answer.expires_at_ms)
        return answer.access_token
    }

    /// Sends an authenticated request; on `token_expired`/`token_invalid` signs in again
    /// and repeats it once.
    func send<Response: Decodable>(_ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)? = nil,
                                   as type: Response.Type) async throws(SyncError) -> Response {
        do {
            return try await client.send(method, path, body: body, bearer: try await accessToken(), as: type)
        } catch .relay(let failure) where ["token_expired", "token_invalid", "token_missing"].contains(failure.code) {
            invalidate()
            return try await client.send(method, path, body: body, bearer: try await accessToken(), as: type)
        }
    }

    /// `POST /v1/auth/challenge` for `purpose`.
    static func challenge(client: RelayClient, purpose: AuthChallenge.Purpose) async throws(SyncError) -> AuthChallenge {
        let answer = try await client.send(.POST, "/v1/auth/challenge", body: Wire.ChallengeRequest(purpose: purpose.name),
                                           as: Wire.Challenge.self)
        do { return try AuthChallenge(text: answer.challenge) } catch {
            throw .invalidResponse("the challenge is malformed")
        }
    }
}

extension RelaySession {
    /// The session of the device whose vault is `store`, with its stored signing key and
    /// the access token cached there by an earlier run (kept current as it changes).
    public static func stored(client: RelayClient, store: SyncStore) async throws(SyncError) -> RelaySession {
        let session: RelaySession
        do {
            session = RelaySession(client: client, account: store.account, device: store.device, signingKey: try store.signingKey())
            if let cached = try store.accessToken() { await session.adopt(token: cached.text, expiresAt: cached.expiresAt) }
        } catch {
            throw SyncError.from(error)
        }
        await session.persistTokens { text, expiresAt in
            try? store.storeAccessToken(text.isEmpty ? nil : (text, expiresAt))
        }
        return session
    }
}

import TwofoldProtocol
import TwofoldVault

/// Account routes (Protocol/relay-api.md, "Accounts", "Health").
public struct AccountsAPI: Sendable {
    /// The HTTP client.
    public let client: RelayClient

    /// Uses `client`.
    public init(client: RelayClient) { self.client = client }

    /// The relay's health: its clock and registration mode ([API-29]).
    public struct Health: Sendable, Equatable {
        /// The relay's clock, Unix milliseconds.
        public var timeMilliseconds: UInt64
        /// `open`, `invite` or `closed`.
        public var registration: String
    }

    /// `GET /v1/health`.
    public func health() async throws(SyncError) -> Health {
        let answer = try await client.send(.GET, "/v1/health", as: Wire.Health.self)
        return Health(timeMilliseconds: answer.time_ms, registration: answer.registration)
    }

    /// `POST /v1/auth/challenge` then `POST /v1/accounts` with the draft's keys and grants
    /// (Protocol/devices.md, "Creating an account", step 4). Returns the access token and
    /// its expiry. `account_exists` comes back as ``SyncError/relay(_:)`` with that code.
    public func create(_ draft: AccountDraft, invite: String?) async throws(SyncError) -> (token: String, expiresAt: UInt64) {
        let challenge = try await RelaySession.challenge(client: client, purpose: .device)
        let message = AuthMessage.device(accountID: draft.account, deviceID: draft.device, challenge: challenge)
        let request = Wire.CreateAccountRequest(
            account_id: draft.account.hex, invite: invite,
            device: Wire.DeviceKeys(device_id: draft.device.hex, sign_key: Base64URL.encode(draft.signingKey.publicKey),
                                    box_key: Base64URL.encode(draft.boxPublicKey)),
            recovery: Wire.AccountKeys(sign_key: Base64URL.encode(draft.recoveryPublicKeys.signingKey),
                                       box_key: Base64URL.encode(draft.recoveryPublicKeys.boxKey)),
            grants: [Wire.Grant(recipient: draft.device.hex, sealed: Base64URL.encode(draft.deviceGrant)),
                     Wire.Grant(recipient: "recovery", sealed: Base64URL.encode(draft.recoveryGrant))],
            challenge: challenge.text,
            signature: Base64URL.encode(AuthSignature.sign(message, with: draft.signingKey)))
        let answer = try await client.send(.POST, "/v1/accounts", body: request, as: Wire.TokenResponse.self)
        return (answer.access_token, answer.expires_at_ms)
    }

    /// One device as the relay lists it.
    public struct RelayDevice: Sendable, Equatable {
        /// Its id.
        public var id: DeviceID
        /// `active` or `revoked`.
        public var status: String
    }

    /// `GET /v1/account`: the epoch and the relay's device list.
    public func account(session: RelaySession) async throws(SyncError) -> (epoch: UInt32, devices: [RelayDevice]) {
        let answer = try await session.send(.GET, "/v1/account", as: Wire.Account.self)
        var devices: [RelayDevice] = []
        for device in answer.devices { devices.append(RelayDevice(id: try Wire.id(device.device_id, "device_id"), status: device.status)) }
        return (answer.epoch, devices)
    }
}

import TwofoldCrypto
import TwofoldProtocol

/// Recovery and grant routes (Protocol/relay-api.md, "Accounts", "Grants";
/// Protocol/devices.md, "Restoring").
public struct RecoveryAPI: Sendable {
    /// The HTTP client.
    public let client: RelayClient

    /// Uses `client`.
    public init(client: RelayClient) { self.client = client }

    /// What a successful claim returns.
    public struct Claim: Sendable {
        /// The account the key belongs to.
        public var account: AccountID
        /// The account's current epoch.
        public var epoch: UInt32
        /// The grant of `VK` to the key that signed, sealed.
        public var grant: [UInt8]
        /// An access token for the new device.
        public var token: String
        /// Its expiry.
        public var expiresAt: UInt64
    }

    /// Proves the recovery key (or passphrase) and registers a new device
    /// (`POST /v1/auth/challenge` `recovery`, then `POST /v1/recovery/claim`, devices.md
    /// "Restoring", step 3). A wrong key and an unknown account both give
    /// ``SyncError/recoveryFailed`` ([DEV-12]).
    public func claim(kind: AuthMessage.RecoveryKeyKind, keys: AccountKeyPairs, account: AccountID?,
                      device: DeviceID, signing: Ed25519KeyPair, box: X25519KeyPair) async throws(SyncError) -> Claim {
        let challenge = try await RelaySession.challenge(client: client, purpose: .recovery)
        let message: [UInt8]
        do {
            message = try AuthMessage.recovery(kind: kind, recoveryPublicKey: keys.signing.publicKey, deviceID: device,
                                               deviceSigningKey: signing.publicKey, deviceBoxKey: box.publicKey, challenge: challenge)
        } catch {
            throw .invalidResponse("cannot build the recovery message: \(error)")
        }
        let request = Wire.RecoveryClaim(
            account_id: account?.hex, key_kind: kind.name, public_key: Base64URL.encode(keys.signing.publicKey),
            device: Wire.DeviceKeys(device_id: device.hex, sign_key: Base64URL.encode(signing.publicKey),
                                    box_key: Base64URL.encode(box.publicKey)),
            challenge: challenge.text, signature: Base64URL.encode(AuthSignature.sign(message, with: keys.signing)))
        let answer = try await client.send(.POST, "/v1/recovery/claim", body: request, as: Wire.RecoveryResult.self)
        return Claim(account: try Wire.id(answer.account_id, "account_id"), epoch: answer.epoch,
                     grant: try Wire.bytes(answer.grant, "grant"), token: answer.access_token, expiresAt: answer.expires_at_ms)
    }

    /// `GET /v1/grant`: this device's grant at the current epoch.
    public func ownGrant(session: RelaySession) async throws(SyncError) -> (epoch: UInt32, sealed: [UInt8]) {
        let answer = try await session.send(.GET, "/v1/grant", as: Wire.OwnGrant.self)
        return (answer.epoch, try Wire.bytes(answer.sealed, "grant"))
    }

    /// `PUT /v1/grants`: stores grants for active devices at `epoch`.
    public func putGrants(session: RelaySession, epoch: UInt32, grants: [DeviceID: [UInt8]]) async throws(SyncError) {
        let body = Wire.PutGrants(epoch: epoch, grants: grants.sorted { $0.key < $1.key }.map {
            Wire.Grant(recipient: $0.key.hex, sealed: Base64URL.encode($0.value))
        })
        _ = try await session.send(.PUT, "/v1/grants", body: body, as: Wire.Empty.self)
    }
}

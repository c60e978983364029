import TwofoldCrypto
import TwofoldProtocol

/// Everything `POST /v1/accounts` needs, made and persisted before it is sent
/// (Protocol/devices.md, "Creating an account", steps 1–3).
public struct AccountDraft: Sendable {
    /// The account id this device chose.
    public let account: AccountID
    /// This device's id.
    public let device: DeviceID
    /// This device's Ed25519 key pair (signs the challenge).
    public let signingKey: Ed25519KeyPair
    /// This device's X25519 public key (`box_key`).
    public let boxPublicKey: [UInt8]
    /// The recovery key; shown once, after the relay has accepted the account ([DEV-5]).
    public let recoveryKey: RecoveryKey
    /// The recovery key's public halves.
    public let recoveryPublicKeys: AccountPublicKeys
    /// `VK` of epoch 1 sealed to this device.
    public let deviceGrant: [UInt8]
    /// `VK` of epoch 1 sealed to the recovery X25519 key.
    public let recoveryGrant: [UInt8]
    /// The epoch of both grants.
    public let epoch: UInt32
}

/// The byte strings a key signs over a relay challenge (Protocol/relay-api.md, "What a
/// device signs"). Each begins with its own label, so a signature made for device sign-in
/// never counts as a recovery proof, nor the reverse:
///
///     device message   = "twofold/auth/v1" || account_id || device_id || challenge
///     recovery message = "twofold/recovery-auth/v1" || key_kind || recovery_sign_pk
///                        || device_id || device_sign_pk || device_box_pk || challenge
public enum AuthMessage {
    /// Label of the device sign-in message.
    public static let deviceLabel = "twofold/auth/v1"
    /// Label of the recovery message.
    public static let recoveryLabel = "twofold/recovery-auth/v1"

    /// Which secret a recovery proof comes from (Protocol/crypto.md, "Recovery key" and
    /// "Passphrase"); the byte is part of the signed message.
    public enum RecoveryKeyKind: UInt8, Sendable, CaseIterable {
        /// The 24-word recovery key.
        case recoveryKey = 1
        /// The optional account passphrase.
        case passphrase = 2

        /// The name used in JSON (`"recovery_key"`, `"passphrase"`).
        public var name: String { self == .recoveryKey ? "recovery_key" : "passphrase" }
    }

    /// What a device signs to sign in or to create its account (89 bytes).
    public static func device(accountID: AccountID, deviceID: DeviceID, challenge: AuthChallenge) -> [UInt8] {
        var writer = ByteWriter(capacity: 96)
        writer.append(deviceLabel)
        writer.append(accountID.bytes)
        writer.append(deviceID.bytes)
        writer.append(challenge.bytes)
        return writer.bytes
    }

    /// What the recovery (or passphrase) Ed25519 key signs to claim the account's recovery
    /// grant for a new device, binding that device's keys (179 bytes).
    public static func recovery(
        kind: RecoveryKeyKind, recoveryPublicKey: [UInt8], deviceID: DeviceID,
        deviceSigningKey: [UInt8], deviceBoxKey: [UInt8], challenge: AuthChallenge
    ) throws(ProtocolError) -> [UInt8] {
        for (what, key) in [("recovery public key", recoveryPublicKey), ("device signing key", deviceSigningKey),
                            ("device box key", deviceBoxKey)] where key.count != 32 {
            throw .malformed(what: what, reason: "\(key.count) bytes instead of 32")
        }
        var writer = ByteWriter(capacity: 184)
        writer.append(recoveryLabel)
        writer.append(kind.rawValue)
        writer.append(recoveryPublicKey)
        writer.append(deviceID.bytes)
        writer.append(deviceSigningKey)
        writer.append(deviceBoxKey)
        writer.append(challenge.bytes)
        return writer.bytes
    }
}

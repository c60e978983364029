import TwofoldCrypto
import TwofoldProtocol

/// What a key rotation changes besides the key (Protocol/devices.md, "Revocation and key
/// rotation"): revoking devices, replacing the recovery key, and setting or removing the
/// account passphrase are all one operation.
public struct RotationChange: Sendable {
    /// What happens to the account passphrase.
    public enum Passphrase: Sendable, Equatable {
        /// Keep it as it is (or keep having none).
        case keep
        /// Remove it: it no longer restores anything written after the rotation.
        case remove
        /// Set or replace it: the public keys derived from it, with its salt and cost, and
        /// its roster check value (``AccountKeyPairs/check``).
        case set(keys: AccountPublicKeys, parameters: PassphraseParameters, check: [UInt8])
    }

    /// Devices to revoke.
    public var revoke: [DeviceID]
    /// A new recovery key, replacing the current one.
    public var newRecovery: RecoveryKey?
    /// The passphrase change.
    public var passphrase: Passphrase

    /// A change.
    public init(revoke: [DeviceID] = [], newRecovery: RecoveryKey? = nil, passphrase: Passphrase = .keep) {
        self.revoke = revoke
        self.newRecovery = newRecovery
        self.passphrase = passphrase
    }
}

/// A rotation ready to send as `POST /v1/rotations` (relay-api.md, "Rotation"), persisted
/// as pending before it is returned ([DEV-13]).
public struct RotationPlan: Sendable {
    /// One grant of the new `VK`.
    public struct GrantEntry: Sendable, Equatable {
        /// A device id in hex, `recovery` or `passphrase`.
        public var recipient: String
        /// The sealed grant (crypto.md, "Grants").
        public var sealed: [UInt8]
    }

    /// The account's epoch now.
    public let fromEpoch: UInt32
    /// `fromEpoch + 1`.
    public let toEpoch: UInt32
    /// Devices revoked: those asked for, and relay devices the roster does not list.
    public let revoke: [DeviceID]
    /// Every record re-sealed under the new key, each at its current version.
    public let records: [SealedRecord]
    /// The headers those records had, to tell a local edit made meanwhile from them.
    let originals: [RecordID: RecordHeader]
    /// Grants of the new key, to roster keys only ([DEV-2]).
    public let grants: [GrantEntry]
    /// New recovery public keys, if replaced.
    public let recovery: AccountPublicKeys?
    /// The passphrase change.
    public let passphrase: RotationChange.Passphrase
    /// The new head (epoch `toEpoch`, counter + 1) over `records`.
    public let head: SignedHead
    /// The counter of the head this device last saw.
    public let expectedCounter: UInt64?
    /// The roster after the rotation.
    public let roster: Roster
}

/// A rotation persisted before it was sent, found again on a later run (devices.md, "Interrupted").
public struct PendingRotation: Sendable {
    /// The epoch it moves from.
    public var fromEpoch: UInt32
    /// The epoch it moves to.
    public var toEpoch: UInt32
    /// What it was for, so it can be made again from a fresh pull.
    public var change: RotationChange
}

/// How a pending rotation ended.
public enum RotationResolution: Sendable {
    /// It committed: the vault is at the new epoch. Carries the new recovery key if the
    /// rotation replaced it (to be shown now).
    case committed(newRecovery: RecoveryKey?)
    /// It did not commit (or another device rotated first): the vault took whatever key
    /// the relay's account holds now; the change must be made again if still wanted.
    case notCommitted(PendingRotation)
}

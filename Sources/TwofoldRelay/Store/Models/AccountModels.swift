import TwofoldProtocol

/// A device's public keys as the relay knows them (Protocol/relay-api.md, "Terminology").
public struct DeviceKeys: Sendable, Equatable {
    /// The device id.
    public var deviceID: DeviceID
    /// Ed25519 public key: signs challenges and heads.
    public var signKey: [UInt8]
    /// X25519 public key: receives grants.
    public var boxKey: [UInt8]

    /// Creates device keys.
    public init(deviceID: DeviceID, signKey: [UInt8], boxKey: [UInt8]) {
        self.deviceID = deviceID
        self.signKey = signKey
        self.boxKey = boxKey
    }
}

/// The recovery key's public halves (Protocol/crypto.md, "Recovery key").
public struct AccountKeys: Sendable, Equatable {
    /// Ed25519 public key: signs recovery challenges.
    public var signKey: [UInt8]
    /// X25519 public key: receives the recovery grant.
    public var boxKey: [UInt8]

    /// Creates account keys.
    public init(signKey: [UInt8], boxKey: [UInt8]) {
        self.signKey = signKey
        self.boxKey = boxKey
    }
}

/// The passphrase's public keys with the salt and cost the relay hands out.
public struct PassphraseKeys: Sendable, Equatable {
    /// Ed25519 and X25519 public keys derived from the passphrase.
    public var keys: AccountKeys
    /// 16-byte Argon2id salt.
    public var salt: [UInt8]
    /// Argon2id passes.
    public var opsLimit: Int64
    /// Argon2id memory in bytes.
    public var memLimit: Int64

    /// Creates passphrase keys.
    public init(keys: AccountKeys, salt: [UInt8], opsLimit: Int64, memLimit: Int64) {
        self.keys = keys
        self.salt = salt
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }
}

/// Who a grant is sealed to: a device, the recovery key or the passphrase.
public enum GrantRecipient: Sendable, Hashable {
    /// A device of the account.
    case device(DeviceID)
    /// The recovery key.
    case recovery
    /// The account passphrase.
    case passphrase

    /// The text form stored and sent: a device id, `recovery` or `passphrase`.
    public var text: String {
        switch self {
        case .device(let id): return id.hex
        case .recovery: return "recovery"
        case .passphrase: return "passphrase"
        }
    }

    /// Parses the text form.
    public init?(text: String) {
        switch text {
        case "recovery": self = .recovery
        case "passphrase": self = .passphrase
        default:
            guard let id = WireFormat.id(text, as: DeviceID.self) else { return nil }
            self = .device(id)
        }
    }
}

/// One grant: `VK` sealed to a recipient (Protocol/crypto.md, "Grants").
public struct GrantEntry: Sendable, Equatable {
    /// Who can open it.
    public var recipient: GrantRecipient
    /// The sealed box, stored as received.
    public var sealed: [UInt8]

    /// Creates a grant entry.
    public init(recipient: GrantRecipient, sealed: [UInt8]) {
        self.recipient = recipient
        self.sealed = sealed
    }
}

/// What `POST /v1/accounts` creates in one transaction (relay-api.md, "Accounts").
public struct NewAccount: Sendable {
    /// The id the device chose.
    public var accountID: AccountID
    /// The first device.
    public var device: DeviceKeys
    /// The recovery public keys.
    public var recovery: AccountKeys
    /// The passphrase keys, when one is set.
    public var passphrase: PassphraseKeys?
    /// Epoch-1 grants: the device, `recovery`, and `passphrase` if set [API-16].
    public var grants: [GrantEntry]

    /// Creates the request.
    public init(accountID: AccountID, device: DeviceKeys, recovery: AccountKeys, passphrase: PassphraseKeys?, grants: [GrantEntry]) {
        self.accountID = accountID
        self.device = device
        self.recovery = recovery
        self.passphrase = passphrase
        self.grants = grants
    }
}

/// A device's standing with the relay.
public enum DeviceStatus: String, Sendable {
    /// May sign in and act.
    case active
    /// Removed by a rotation; refused from then on [API-12].
    case revoked
}

/// A device as `GET /v1/account` lists it.
public struct DeviceInfo: Sendable, Equatable {
    /// Its keys.
    public var keys: DeviceKeys
    /// Active or revoked.
    public var status: DeviceStatus
    /// When it was registered.
    public var createdAtMs: Int64
    /// When it was revoked.
    public var revokedAtMs: Int64?
    /// When it last signed in.
    public var lastSeenMs: Int64?
}

/// Counts for `usage`, maxima for `limits`.
public struct Usage: Sendable, Equatable {
    /// Records, tombstones included.
    public var records: Int64
    /// Sealed record bytes.
    public var recordBytes: Int64
    /// Snapshots.
    public var snapshots: Int64
    /// Sealed snapshot bytes.
    public var snapshotBytes: Int64

    /// Creates usage figures.
    public init(records: Int64, recordBytes: Int64, snapshots: Int64, snapshotBytes: Int64) {
        self.records = records
        self.recordBytes = recordBytes
        self.snapshots = snapshots
        self.snapshotBytes = snapshotBytes
    }
}

/// An account as `GET /v1/account` shows it.
public struct AccountState: Sendable, Equatable {
    /// Its id.
    public var accountID: AccountID
    /// The current key epoch.
    public var epoch: Int64
    /// When it was created.
    public var createdAtMs: Int64
    /// Every device, active or revoked.
    public var devices: [DeviceInfo]
    /// The recovery public keys.
    public var recovery: AccountKeys
    /// The passphrase keys, if set.
    public var passphrase: PassphraseKeys?
    /// What it stores.
    public var usage: Usage
}

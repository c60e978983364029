import TwofoldProtocol

/// A snapshot's metadata (`SnapshotInfo`).
public struct SnapshotInfo: Sendable, Equatable {
    /// Its id.
    public var snapshotID: RecordID
    /// The epoch it is sealed under.
    public var epoch: Int64
    /// When the device made it.
    public var createdAtMs: Int64
    /// When the relay stored it.
    public var uploadedAtMs: Int64
    /// Length of the sealed bytes.
    public var size: Int64
    /// The uploading device.
    public var deviceID: DeviceID
}

/// A snapshot upload (`SnapshotUpload`).
public struct SnapshotUpload: Sendable {
    /// Its id.
    public var snapshotID: RecordID
    /// Its epoch.
    public var epoch: Int64
    /// When the device made it.
    public var createdAtMs: Int64
    /// The sealed image.
    public var sealed: [UInt8]
}

/// What a new device posts to open a pairing mailbox (`LinkOffer`).
public struct LinkOffer: Sendable, Equatable {
    /// 10 bytes chosen by the new device.
    public var rendezvousID: [UInt8]
    /// The new device's keys.
    public var device: DeviceKeys
    /// The offer tag (Protocol/devices.md, "Linking").
    public var tag: [UInt8]
}

/// What the existing device leaves in the mailbox (`LinkReply`).
public struct LinkReply: Sendable, Equatable {
    /// The account the new device joins.
    public var accountID: AccountID
    /// The epoch of the grant.
    public var epoch: Int64
    /// `VK` sealed to the new device.
    public var grant: [UInt8]
    /// The reply tag.
    public var tag: [UInt8]
    /// The existing device's keys.
    public var fromDevice: DeviceKeys
}

/// A mailbox as stored (relay-api.md, "Linking"; devices.md [DEV-10]).
public struct LinkMailbox: Sendable, Equatable {
    /// The offer.
    public var offer: LinkOffer
    /// 10 minutes after opening.
    public var expiresAtMs: Int64
    /// The reply, once given.
    public var reply: LinkReply?
}

/// An invite as `invite list` shows it: never the token itself.
public struct InviteInfo: Sendable, Equatable {
    /// 12 hex digits of the token's hash: what `invite revoke` takes.
    public var id: String
    /// Accounts it may still create.
    public var usesLeft: Int64
    /// When it stops working, if ever.
    public var expiresAtMs: Int64?
    /// When it was made.
    public var createdAtMs: Int64
    /// The admin's label (`invite create --label`), given to the accounts it creates.
    public var label: String?
}

/// One line of `accounts list`: all the relay knows about an account.
public struct AccountSummary: Sendable, Equatable {
    /// Its id.
    public var accountID: AccountID
    /// Active devices.
    public var devices: Int64
    /// Records.
    public var records: Int64
    /// Sealed bytes of records and snapshots.
    public var bytes: Int64
    /// Latest request of any device (written at most once a minute per device).
    public var lastSeenMs: Int64?
    /// The label of the invite that created it.
    public var label: String?
    /// When it was created.
    public var createdAtMs: Int64
    /// Whether the admin suspended it (`accounts disable`).
    public var disabled: Bool
}

/// The device statuses a replica keeps in memory (relay-api.md, "Device status") [API-12].
public struct DeviceDirectorySnapshot: Sendable {
    /// Account and status of every known device.
    public var devices: [DeviceID: (account: AccountID, status: DeviceStatus)]
    /// Accounts deleted (their devices answer `account_deleted`).
    public var deletedAccounts: Set<AccountID>
    /// Accounts the admin suspended (their devices answer `account_disabled` until enabled).
    public var disabledAccounts: Set<AccountID> = []
}

/// What a recovery claim yields (relay-api.md, `POST /v1/recovery/claim`).
public struct RecoveryGrant: Sendable, Equatable {
    /// The account recovered.
    public var accountID: AccountID
    /// Its epoch.
    public var epoch: Int64
    /// The current grant sealed to the key that signed.
    public var sealed: [UInt8]
}

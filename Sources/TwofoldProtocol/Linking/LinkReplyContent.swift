import TwofoldCrypto

/// What the new device collects from the pairing mailbox (Protocol/devices.md, "Linking",
/// step 9): the account and epoch, the grant of `VK` sealed to the new device, the
/// existing device's keys as the relay registered them, and the reply tag over all of it.
public struct LinkReplyContent: Sendable, Equatable {
    /// The account the new device joins.
    public var account: AccountID
    /// The epoch of the granted `VK`.
    public var epoch: UInt32
    /// `VK` sealed to the new device's X25519 key (Protocol/crypto.md, "Grants").
    public var grant: [UInt8]
    /// The reply tag.
    public var tag: [UInt8]
    /// The existing device that replied.
    public var fromDevice: DeviceID
    /// Its Ed25519 public key.
    public var fromSignKey: [UInt8]
    /// Its X25519 public key.
    public var fromBoxKey: [UInt8]

    /// Creates a reply.
    public init(account: AccountID, epoch: UInt32, grant: [UInt8], tag: [UInt8], fromDevice: DeviceID,
                fromSignKey: [UInt8], fromBoxKey: [UInt8]) {
        self.account = account
        self.epoch = epoch
        self.grant = grant
        self.tag = tag
        self.fromDevice = fromDevice
        self.fromSignKey = fromSignKey
        self.fromBoxKey = fromBoxKey
    }

    /// True when the tag was made with `key` over exactly these values for this
    /// mailbox ([DEV-8]); compared in constant time.
    public func isAuthentic(key: LinkKey, rendezvousID: [UInt8]) -> Bool {
        key.verifyReply(tag, rendezvousID: rendezvousID, account: account, epoch: epoch, fromDevice: fromDevice,
                        fromSignKey: fromSignKey, fromBoxKey: fromBoxKey, grant: grant)
    }
}

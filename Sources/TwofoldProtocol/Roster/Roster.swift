import TwofoldCrypto

/// The account's device roster, the plaintext of its one kind-3 record
/// (Protocol/crypto.md, "Roster"). It says which keys count: devices seal vault keys only
/// to roster members and accept heads only from them, and grants for recovery and the
/// passphrase go to the public keys listed here, never to keys the relay supplies.
///
/// `roster = 0x01 || recovery_ed25519_pk (32) || recovery_x25519_pk (32) || flags (1) ||
/// [passphrase_ed25519_pk (32) || passphrase_x25519_pk (32)] || device_count (u16 BE) || device*`
/// `device = device_id (16) || ed25519_pk (32) || x25519_pk (32) || added_ms (u64 BE) || name_len (u8) || name`
public struct Roster: Hashable, Sendable {
    /// One device of the account.
    public struct Device: Hashable, Sendable {
        /// The device's id.
        public var id: DeviceID
        /// Its Ed25519 public key: authenticates it to the relay, signs heads.
        public var signingKey: [UInt8]
        /// Its X25519 public key: receives grants.
        public var boxKey: [UInt8]
        /// When it joined, Unix milliseconds.
        public var addedMilliseconds: UInt64
        /// A person's name for it ("laptop"): UTF-8, 1–64 bytes, no control characters.
        public var name: String

        /// Creates an entry.
        public init(id: DeviceID, signingKey: [UInt8], boxKey: [UInt8], addedMilliseconds: UInt64, name: String) {
            self.id = id
            self.signingKey = signingKey
            self.boxKey = boxKey
            self.addedMilliseconds = addedMilliseconds
            self.name = name
        }
    }

    /// Public keys derived from the recovery key.
    public var recovery: AccountPublicKeys
    /// Public keys derived from the account passphrase, when one is set.
    public var passphrase: AccountPublicKeys?
    /// The devices, kept sorted by id.
    public internal(set) var devices: [Device]
    /// The recovery key's check value (``AccountKeyPairs/check``): only a holder of the
    /// recovery key or of `VK` knows it, so a restoring device that finds it here knows the
    /// roster was not made by the relay (Protocol/devices.md, "Restoring", [DEV-11]). Nil
    /// only in rosters written before check values existed.
    public var recoveryCheck: [UInt8]?
    /// The passphrase's check value, present exactly when the passphrase keys and the
    /// recovery check are.
    public var passphraseCheck: [UInt8]?

    /// Payload format byte.
    public static let formatVersion: UInt8 = 1
    /// Most devices a roster holds.
    public static let maximumDevices = 1024
    /// Longest device name, in UTF-8 bytes.
    public static let maximumNameLength = 64

    /// Creates a roster; devices are sorted by id. Throws for a duplicate id, a bad key
    /// length, a bad name, or no device at all.
    public init(recovery: AccountPublicKeys, passphrase: AccountPublicKeys?, devices: [Device],
                recoveryCheck: [UInt8]? = nil, passphraseCheck: [UInt8]? = nil) throws(ProtocolError) {
        self.recovery = recovery
        self.passphrase = passphrase
        self.devices = devices.sorted { $0.id < $1.id }
        self.recoveryCheck = recoveryCheck
        self.passphraseCheck = passphraseCheck
        try validate()
    }

    /// The entry for `id`, if that device is a member.
    public func device(_ id: DeviceID) -> Device? { devices.first { $0.id == id } }

    /// Ed25519 keys by device id: the signers whose heads count (``HeadVerifier``).
    public var signingKeys: [DeviceID: [UInt8]] {
        Dictionary(uniqueKeysWithValues: devices.map { ($0.id, $0.signingKey) })
    }

    /// A copy with `device` added (or replaced, if its id is already present).
    public func adding(_ device: Device) throws(ProtocolError) -> Roster {
        try Roster(recovery: recovery, passphrase: passphrase, devices: devices.filter { $0.id != device.id } + [device],
                   recoveryCheck: recoveryCheck, passphraseCheck: passphraseCheck)
    }

    /// A copy without device `id` (revocation also rotates the epoch: Protocol/sync.md).
    public func removing(_ id: DeviceID) throws(ProtocolError) -> Roster {
        try Roster(recovery: recovery, passphrase: passphrase, devices: devices.filter { $0.id != id },
                   recoveryCheck: recoveryCheck, passphraseCheck: passphraseCheck)
    }

    /// The roster's record id: `BLAKE2b-128("twofold/roster-id/v1" || account_id)`. An
    /// account has exactly one roster record; a kind-3 record with any other id is refused.
    public static func recordID(account: AccountID) -> RecordID {
        try! RecordID(bytes: BLAKE2b.hash(Array("twofold/roster-id/v1".utf8) + account.bytes, outputLength: 16))
    }

    func validate() throws(ProtocolError) {
        try Self.checkKeys(recovery, "recovery")
        if let passphrase { try Self.checkKeys(passphrase, "passphrase") }
        // Check values come all or none: the recovery check, and the passphrase check exactly
        // when there are passphrase keys (crypto.md, "Roster").
        if let recoveryCheck {
            guard recoveryCheck.count == 32, (passphrase == nil) == (passphraseCheck == nil), passphraseCheck.map({ $0.count == 32 }) ?? true else {
                throw .malformed(what: "roster payload", reason: "check values must be 32 bytes, the passphrase's exactly when it has keys")
            }
        } else if passphraseCheck != nil {
            throw .malformed(what: "roster payload", reason: "a passphrase check without a recovery check")
        }
        guard (1...Self.maximumDevices).contains(devices.count) else {
            throw .malformed(what: "roster payload", reason: "\(devices.count) devices; 1…\(Self.maximumDevices) allowed")
        }
        for (i, device) in devices.enumerated() {
            if i > 0 && !(devices[i - 1].id < device.id) {
                throw .malformed(what: "roster payload", reason: "device \(device.id) out of order or repeated")
            }
            try Self.checkKeys(AccountPublicKeys(signingKey: device.signingKey, boxKey: device.boxKey), "device \(device.id)")
            let name = Array(device.name.utf8)
            guard (1...Self.maximumNameLength).contains(name.count),
                  !device.name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw .malformed(what: "roster payload", reason: "device \(device.id) name must be 1–64 bytes without control characters")
            }
        }
    }

    private static func checkKeys(_ keys: AccountPublicKeys, _ owner: String) throws(ProtocolError) {
        guard keys.signingKey.count == 32, keys.boxKey.count == 32 else {
            throw .malformed(what: "roster payload", reason: "\(owner) public keys must be 32 bytes each")
        }
    }
}

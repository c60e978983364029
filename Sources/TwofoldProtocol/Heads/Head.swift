import TwofoldCrypto

/// A signed statement of the relay's record set after a push (Protocol/crypto.md,
/// "Head"; Protocol/sync.md, "Heads"):
///
/// `body = 0x01 || account_id (16) || counter (u64 BE) || epoch (u32 BE) || record_count (u32 BE) || set_digest (32) || signer_device_id (16)`
/// `head = body || crypto_sign_detached("twofold/head/v1" || body, signer_ed25519_sk)`
///
/// 81 bytes of body plus a 64-byte signature: 145 bytes.
public struct Head: Hashable, Sendable {
    /// The account whose records it covers.
    public var account: AccountID
    /// Monotonic: each accepted push raises it by exactly one; 1 is the first head.
    public var counter: UInt64
    /// The account's key epoch; every record in the set is sealed under it.
    public var epoch: UInt32
    /// Count and digest of the record set.
    public var set: RecordSetDigest
    /// The device that pushed and signed.
    public var signer: DeviceID

    /// Format byte.
    public static let formatVersion: UInt8 = 1
    /// Signature domain label.
    public static let signatureLabel = "twofold/head/v1"
    /// Body length: 81 bytes.
    public static let bodyLength = 81
    /// Signed head length: 145 bytes.
    public static let length = bodyLength + 64

    /// Creates a head for `records` (the whole set after the push).
    public init(account: AccountID, counter: UInt64, epoch: UInt32, records: some Sequence<RecordHeader>, signer: DeviceID) {
        self.init(account: account, counter: counter, epoch: epoch, set: RecordSetDigest(records), signer: signer)
    }

    /// Creates a head from its fields.
    public init(account: AccountID, counter: UInt64, epoch: UInt32, set: RecordSetDigest, signer: DeviceID) {
        self.account = account
        self.counter = counter
        self.epoch = epoch
        self.set = set
        self.signer = signer
    }

    /// The 81-byte body.
    public var body: [UInt8] {
        var w = ByteWriter(capacity: Self.bodyLength)
        w.append(Self.formatVersion)
        w.append(account.bytes)
        w.append(counter)
        w.append(epoch)
        w.append(set.count)
        w.append(set.digest)
        w.append(signer.bytes)
        return w.bytes
    }

    /// What the signer signs: `"twofold/head/v1" || body`.
    public var signedMessage: [UInt8] { Array(Self.signatureLabel.utf8) + body }

    /// Signs the head with the signer device's key.
    public func signed(with key: Ed25519KeyPair) -> SignedHead {
        SignedHead(head: self, signature: key.sign(signedMessage))
    }
}

/// A head with its signature, as it travels and is stored.
public struct SignedHead: Hashable, Sendable {
    /// The fields.
    public let head: Head
    /// 64-byte Ed25519 signature over ``Head/signedMessage``.
    public let signature: [UInt8]

    /// Pairs a head with a signature (checked by ``HeadVerifier``, not here).
    public init(head: Head, signature: [UInt8]) {
        self.head = head
        self.signature = signature
    }

    /// The 145 bytes.
    public var bytes: [UInt8] { head.body + signature }

    /// Parses the 145 bytes; refuses another length or format byte.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        guard let format = bytes.first else { throw .malformed(what: "head", reason: "empty") }
        guard format == Head.formatVersion else { throw .unsupportedVersion(what: "head", version: format) }
        guard bytes.count == Head.length else {
            throw .malformed(what: "head", reason: "\(bytes.count) bytes instead of \(Head.length)")
        }
        var r = ByteReader(bytes, what: "head")
        _ = try r.readUInt8()
        let account = try AccountID(bytes: try r.read(count: 16))
        let counter = try r.readUInt64()
        let epoch = try r.readUInt32()
        let count = try r.readUInt32()
        let digest = try r.read(count: 32)
        let signer = try DeviceID(bytes: try r.read(count: 16))
        signature = try r.read(count: 64)
        try r.expectEnd()
        head = Head(account: account, counter: counter, epoch: epoch,
                    set: RecordSetDigest(count: count, digest: digest), signer: signer)
    }
}

extension RecordSetDigest {
    /// A count and digest read from a head.
    init(count: UInt32, digest: [UInt8]) {
        self.count = count
        self.digest = digest
    }
}

import TwofoldCrypto

/// The key both link tags are made with (Protocol/devices.md, "Linking", "The code"):
///
///     link_key  = BLAKE2b-256("twofold/link-key/v1" || rendezvous_id || link_secret)
///     offer tag = BLAKE2b-256(key = link_key, "twofold/link-offer/v1" || rendezvous_id || device_id || sign_key || box_key)
///     reply tag = BLAKE2b-256(key = link_key, "twofold/link-reply/v1" || rendezvous_id || account_id || epoch (u32)
///                             || from_device_id || from_sign_key || from_box_key || grant)
///
/// Only the new device and whoever read its code can make either tag, so the offer tag
/// proves the offered keys are the new device's ([DEV-7]) and the reply tag that the
/// reply comes from a device that read the code ([DEV-8]). Tags are compared in
/// constant time ([DEV-6]).
public struct LinkKey: Sendable {
    /// Label of the key derivation.
    public static let keyLabel = "twofold/link-key/v1"
    /// Label of the offer tag.
    public static let offerLabel = "twofold/link-offer/v1"
    /// Label of the reply tag.
    public static let replyLabel = "twofold/link-reply/v1"
    /// Bytes of the key and of each tag.
    public static let length = 32

    /// The 32 key bytes, in guarded memory.
    public let bytes: SecureBytes

    /// Derives the key of `code`.
    public init(code: LinkCode) {
        var message = Array(Self.keyLabel.utf8) + code.rendezvousID
        code.linkSecret.withUnsafeBytes { message.append(contentsOf: $0) }
        let digest = BLAKE2b.hash(message, outputLength: Self.length)
        bytes = SecureBytes(digest)
        // Best effort: Swift arrays cannot be wiped reliably, but these copies go now.
        for i in message.indices { message[i] = 0 }
    }

    /// A stored key (an existing device's pending link); throws for a wrong length.
    public init(bytes: SecureBytes) throws(LinkCodeError) {
        guard bytes.count == Self.length else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// The tag over the new device's offer.
    public func offerTag(rendezvousID: [UInt8], device: DeviceID, signKey: [UInt8], boxKey: [UInt8]) -> [UInt8] {
        tag(Array(Self.offerLabel.utf8) + rendezvousID + device.bytes + signKey + boxKey)
    }

    /// True when `tag` is the offer tag of these keys (constant-time comparison).
    public func verifyOffer(_ tag: [UInt8], rendezvousID: [UInt8], device: DeviceID, signKey: [UInt8], boxKey: [UInt8]) -> Bool {
        ConstantTime.equals(offerTag(rendezvousID: rendezvousID, device: device, signKey: signKey, boxKey: boxKey), tag)
    }

    /// The tag over the existing device's reply.
    public func replyTag(rendezvousID: [UInt8], account: AccountID, epoch: UInt32, fromDevice: DeviceID,
                         fromSignKey: [UInt8], fromBoxKey: [UInt8], grant: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: 21 + 10 + 16 + 4 + 16 + 64 + grant.count)
        w.append(Self.replyLabel)
        w.append(rendezvousID)
        w.append(account.bytes)
        w.append(epoch)
        w.append(fromDevice.bytes)
        w.append(fromSignKey)
        w.append(fromBoxKey)
        w.append(grant)
        return tag(w.bytes)
    }

    /// True when `tag` is the reply tag of these values (constant-time comparison).
    public func verifyReply(_ tag: [UInt8], rendezvousID: [UInt8], account: AccountID, epoch: UInt32, fromDevice: DeviceID,
                            fromSignKey: [UInt8], fromBoxKey: [UInt8], grant: [UInt8]) -> Bool {
        ConstantTime.equals(replyTag(rendezvousID: rendezvousID, account: account, epoch: epoch, fromDevice: fromDevice,
                                     fromSignKey: fromSignKey, fromBoxKey: fromBoxKey, grant: grant), tag)
    }

    private func tag(_ message: [UInt8]) -> [UInt8] {
        BLAKE2b.deriveSecret(message, key: bytes, outputLength: Self.length).copyBytes()
    }
}

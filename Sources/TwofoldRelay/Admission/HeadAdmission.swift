import TwofoldCrypto
import TwofoldProtocol

/// What a pushed head claims about the set after its batch, read by ``HeadAdmission`` and
/// checked by the store inside the push's transaction.
public struct HeadClaim: Sendable, Equatable {
    /// The head's epoch: the account's, else `head_invalid`.
    public var epoch: Int64
    /// Count and digest of the set after the write.
    public var set: RecordSetDigest
}

/// The head rules the relay checks without any key (Protocol/sync.md, "Pushing", step 3;
/// relay-api.md, "Records") [SYN-26]: a device that publishes a head every other device
/// refuses would freeze them, so the relay refuses it first.
enum HeadAdmission {
    /// Checks what needs no stored state but the pusher's key: format byte and length,
    /// account id, signer = the authenticated device, its signature, and the JSON counter
    /// equal to the head's. Returns what the store checks against the set.
    static func claim(_ write: HeadWrite, account: AccountID, device: DeviceID, signKey: [UInt8]) throws(RelayError) -> HeadClaim {
        let signed: SignedHead
        do { signed = try SignedHead(decoding: write.head) } catch {
            throw refuse("is not a signed head of format 1 (\(Head.length) bytes starting with 0x01)")
        }
        let head = signed.head
        guard head.account == account else { throw refuse("names account \(head.account.hex), not this account") }
        guard head.signer == device else { throw refuse("is signed as device \(head.signer.hex), not as the device pushing it") }
        guard Ed25519KeyPair.verify(signature: signed.signature, message: head.signedMessage, publicKey: signKey) else {
            throw refuse("has a signature that does not verify with this device's key")
        }
        guard head.counter == UInt64(write.counter) else {
            throw refuse("has counter \(head.counter) but the request says \(write.counter)")
        }
        return HeadClaim(epoch: Int64(head.epoch), set: head.set)
    }

    /// Checks the claim against the account's epoch and the set after the write
    /// (every record's metadata, the batch applied).
    static func check(_ claim: HeadClaim, accountEpoch: Int64, set: [RecordHeader]) throws(RelayError) {
        guard claim.epoch == accountEpoch else { throw refuse("is at epoch \(claim.epoch) but the account is at epoch \(accountEpoch)") }
        let actual = RecordSetDigest(set)
        guard actual.count == claim.set.count else {
            throw refuse("counts \(claim.set.count) records but the relay holds \(actual.count) after this batch")
        }
        guard actual.digest == claim.set.digest else {
            throw refuse("has a set digest that is not the digest of the relay's records after this batch")
        }
    }

    /// The record headers of a stored row or a write, for the digest.
    static func header(account: AccountID, id: RecordID, kind: Int64, version: String, epoch: Int64,
                       deleted: Bool) throws(RelayError) -> RecordHeader {
        guard let kind = UInt8(exactly: kind).flatMap(RecordKind.init(rawValue:)), let epoch = UInt32(exactly: epoch),
              let version = try? RecordVersion(text: version) else {
            throw RelayError(.internalError, "a stored record of this account has metadata the relay cannot read")
        }
        return RecordHeader(account: account, id: id, kind: kind, version: version, epoch: epoch, deleted: deleted)
    }

    static func refuse(_ why: String) -> RelayError {
        RelayError(.headInvalid, "the head \(why); this device's Twofold built a head other devices would refuse: update it, pull and push again",
                   details: [.init("reason", .string(why))])
    }
}

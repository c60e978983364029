import TwofoldCrypto

/// What a device checks about a head before it trusts the records it pulled
/// (Protocol/sync.md, "Heads"), in this order so that every failure has one name:
///
/// 1. format and length (``SignedHead/init(decoding:)``);
/// 2. the account is the one asked for (binding);
/// 3. the signer is in the roster (roster);
/// 4. the signature verifies under the signer's roster key (signature);
/// 5. the counter is not older than the highest seen, an equal counter carries the same
///    bytes (no fork), and the epoch has not gone back (freshness);
/// 6. the pulled record set has exactly the head's count and digest, every record
///    belongs to the account and is sealed under the head's epoch (digest).
public struct HeadVerifier: Sendable {
    /// The account being synced.
    public var account: AccountID
    /// Ed25519 public keys of the roster's devices, by device id.
    public var signers: [DeviceID: [UInt8]]
    /// The newest head this device has accepted before, if any.
    public var highestSeen: SignedHead?

    /// Creates a verifier for one pull.
    public init(account: AccountID, signers: [DeviceID: [UInt8]], highestSeen: SignedHead?) {
        self.account = account
        self.signers = signers
        self.highestSeen = highestSeen
    }

    /// Checks steps 2–5: everything that does not need the record set.
    public func verifyHead(_ signed: SignedHead) throws(ProtocolError) {
        let head = signed.head
        guard head.account == account else {
            throw .bindingMismatch(what: "head", reason: "it is for account \(head.account), not \(account)")
        }
        guard let key = signers[head.signer] else { throw .unknownSigner(head.signer) }
        guard Ed25519KeyPair.verify(signature: signed.signature, message: head.signedMessage, publicKey: key) else {
            throw .invalidSignature(what: "head \(head.counter)")
        }
        if let seen = highestSeen {
            if head.counter < seen.head.counter {
                throw .staleHead(seen: seen.head.counter, received: head.counter)
            }
            if head.counter == seen.head.counter && signed.bytes != seen.bytes {
                throw .forkedHead(counter: head.counter)
            }
            if head.epoch < seen.head.epoch {
                throw .staleHead(seen: seen.head.counter, received: head.counter)
            }
        }
    }

    /// Checks step 6: `records` is the relay's whole set as this device now mirrors it.
    public func verifySet(_ signed: SignedHead, records: [RecordHeader]) throws(ProtocolError) {
        let head = signed.head
        var ids = Set<RecordID>()
        for record in records {
            guard ids.insert(record.id).inserted else {
                throw .headMismatch(reason: "record \(record.id) appears twice")
            }
            guard record.account == account else {
                throw .headMismatch(reason: "record \(record.id) belongs to another account")
            }
            guard record.epoch == head.epoch else {
                throw .headMismatch(reason: "record \(record.id) is sealed under epoch \(record.epoch), the head says \(head.epoch)")
            }
        }
        let actual = RecordSetDigest(records)
        guard actual.count == head.set.count else {
            throw .headMismatch(reason: "\(actual.count) records pulled, the head lists \(head.set.count)")
        }
        guard ConstantTime.equals(actual.digest, head.set.digest) else {
            throw .headMismatch(reason: "the records pulled are not the ones the head lists")
        }
    }

    /// All checks, steps 2–6.
    public func verify(_ signed: SignedHead, records: [RecordHeader]) throws(ProtocolError) {
        try verifyHead(signed)
        try verifySet(signed, records: records)
    }
}

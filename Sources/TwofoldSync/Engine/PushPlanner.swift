import TwofoldCrypto
import TwofoldProtocol
import TwofoldVault

/// Builds a push from an outbox batch (Protocol/sync.md, "Pushing"): the writes with their
/// `expected_version`s, and a head over the record set after them — counter one above the
/// last head seen, the current epoch, signed by this device.
public enum PushPlanner {
    /// The request for `batch`.
    public static func request(for batch: OutboxBatch, account: AccountID, device: DeviceID,
                               signingKey: Ed25519KeyPair) -> PushRequest {
        let previous = batch.previousHead?.head.counter
        let head = Head(account: account, counter: (previous ?? 0) + 1, epoch: batch.epoch,
                        records: batch.setAfter, signer: device)
        return PushRequest(writes: batch.writes, head: head.signed(with: signingKey), expectedCounter: previous)
    }
}

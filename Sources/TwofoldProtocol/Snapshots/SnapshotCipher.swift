@_spi(TestVectors) import TwofoldCrypto

/// Seals and opens whole-vault snapshots (Protocol/crypto.md, "Snapshot"):
///
/// `snapshot = header (29) || nonce (24) || XChaCha20-Poly1305(pad(image), AD, nonce, VK_epoch)`,
/// `AD = "twofold/snapshot/v1" || account_id || snapshot_id || epoch (u32 BE) || created_ms (u64 BE)`,
/// padded with ISO/IEC 7816-4 to B = max(4096, smallest power of two > len(image)).
public enum SnapshotCipher {
    /// Smallest padding bucket.
    public static let minimumBucket = 4096
    /// Largest snapshot a reader accepts: 64 MiB.
    public static let maximumLength = 64 << 20

    /// The padded length of an image of `length` bytes.
    public static func bucket(forImageLength length: Int) -> Int {
        var b = minimumBucket
        while b < length + 1 { b <<= 1 }
        return b
    }

    /// Seals `records` (all of `account`, all sealed under `header.epoch`) under that epoch's key.
    public static func seal(
        _ records: [SealedRecord], header: SnapshotHeader, account: AccountID, key: SecureBytes
    ) throws(ProtocolError) -> [UInt8] {
        try seal(records, header: header, account: account, key: key, nonce: SecureRandom.bytes(24))
    }

    /// Seals with a given nonce, so vectors can be rebuilt; never for real snapshots.
    @_spi(TestVectors)
    public static func seal(
        _ records: [SealedRecord], header: SnapshotHeader, account: AccountID, key: SecureBytes, nonce: [UInt8]
    ) throws(ProtocolError) -> [UInt8] {
        for record in records where record.header.account != account || record.header.epoch != header.epoch {
            throw .malformed(what: "snapshot", reason: "record \(record.header.id) is not of this account and epoch: re-seal it first")
        }
        let image = SnapshotImage.encode(records)
        let padded = Padding.pad(image, blockSize: bucket(forImageLength: image.count))
        do {
            let sealed = try XChaCha20Poly1305.seal(
                padded, associatedData: header.associatedData(account: account), nonce: nonce, key: key)
            return header.encoded + nonce + sealed
        } catch {
            throw .malformed(what: "vault key", reason: error.description)
        }
    }

    /// Opens a snapshot of `account` with the key of the epoch its header names.
    public static func open(
        _ snapshot: [UInt8], account: AccountID, key: SecureBytes
    ) throws(ProtocolError) -> (header: SnapshotHeader, records: [SealedRecord]) {
        let header = try SnapshotHeader(decoding: snapshot)
        let minimum = SnapshotHeader.length + 24 + minimumBucket + 16
        guard snapshot.count >= minimum, snapshot.count <= maximumLength else {
            throw .malformed(what: "snapshot", reason: "\(snapshot.count) bytes is outside \(minimum)…\(maximumLength)")
        }
        let nonceStart = SnapshotHeader.length
        let padded: [UInt8]
        do {
            padded = try XChaCha20Poly1305.open(
                Array(snapshot[(nonceStart + 24)...]), associatedData: header.associatedData(account: account),
                nonce: Array(snapshot[nonceStart..<nonceStart + 24]), key: key)
        } catch {
            throw .authenticationFailed(what: "snapshot \(header.id)")
        }
        guard padded.count >= minimumBucket, padded.count & (padded.count - 1) == 0 else {
            throw .malformed(what: "snapshot image", reason: "padded length \(padded.count) is not a bucket size")
        }
        let image: [UInt8]
        do {
            image = try Padding.unpad(padded, blockSize: padded.count)
        } catch {
            throw .malformed(what: "snapshot image", reason: "bad padding")
        }
        guard bucket(forImageLength: image.count) == padded.count else {
            throw .malformed(what: "snapshot image", reason: "padding larger than its bucket")
        }
        return (header, try SnapshotImage.decode(image, account: account, epoch: header.epoch))
    }
}

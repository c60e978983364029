@_spi(TestVectors) import TwofoldProtocol
import TwofoldCrypto

/// `snapshots/`: sealed whole-vault images (Protocol/crypto.md, "Snapshot").
///
/// Header: `vault-key`, `account-id`; on success also `snapshot-id`, `epoch`,
/// `created-ms`, and one `record:` line (`<record-id> <kind> <hlc> <device-id> <epoch> <deleted>`)
/// per record in the image, in order; every record opens with `vault-key`. Data: the snapshot, hex.
enum SnapshotVectors: VectorFamily {
    static let directory = "snapshots"
    typealias F = Fixtures

    static let id = try! SnapshotID(bytes: Seed.bytes("snapshots/id", 16))
    static let header = SnapshotHeader(id: id, epoch: 1, createdMilliseconds: F.now + 3_600_000)

    static func record(_ label: String, _ payload: [UInt8], kind: RecordKind = .token, epoch: UInt32 = 1, deleted: Bool = false) -> SealedRecord {
        let h = F.header(id: try! RecordID(bytes: Seed.bytes("snapshots/record/\(label)", 16)), kind: kind,
                         hlc: F.hlc(F.now, UInt64(label.count)), epoch: epoch, deleted: deleted)
        return F.seal(payload, h, key: epoch == 1 ? F.vaultKey1 : F.vaultKey2, nonceLabel: "snapshots/\(label)")
    }

    static let records = [
        record("totp", TokenPayload.encode(F.totp)),
        record("hotp", TokenPayload.encode(F.hotp)),
        record("deleted", [], deleted: true),
    ]

    static func vector(_ name: String, _ expect: String, _ comment: String, snapshot: [UInt8],
                       key: [UInt8] = F.vaultKey1, account: AccountID = F.account, contents: [SealedRecord]? = nil) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("vault-key", Hex.encode(key)), .init("account-id", account.hex)]
        if let contents {
            fields += [.init("snapshot-id", header.id.hex), .init("epoch", "\(header.epoch)"),
                       .init("created-ms", "\(header.createdMilliseconds)")]
            fields += contents.sorted { $0.header.id < $1.header.id }.map { .init("record", F.line($0.header)) }
        }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(snapshot))
    }

    /// Seals an arbitrary image, bypassing the writer's checks.
    static func sealImage(_ image: [UInt8], padTo bucket: Int? = nil, label: String) -> [UInt8] {
        var b = 4096
        while b < image.count + 1 { b <<= 1 }
        let padded = Padding.pad(image, blockSize: bucket ?? b)
        let nonce = Seed.bytes("snapshots/nonce/\(label)", 24)
        return header.encoded + nonce + (try! XChaCha20Poly1305.seal(
            padded, associatedData: header.associatedData(account: F.account), nonce: nonce, key: SecureBytes(F.vaultKey1)))
    }

    static func files() -> [VectorFile] {
        let good = try! SnapshotCipher.seal(records, header: header, account: F.account, key: SecureBytes(F.vaultKey1),
                                            nonce: Seed.bytes("snapshots/nonce/good", 24))
        var changedID = good; changedID[1] ^= 0x01
        var changedEpoch = good; changedEpoch[20] ^= 0x02
        var changedTime = good; changedTime[28] ^= 0x01
        var v2 = good; v2[0] = 2
        let mixed = sealImage(SnapshotImage.encode(records + [record("epoch-2", TokenPayload.encode(F.steam), epoch: 2)]), label: "mixed")
        var unsortedImage = SnapshotImage.encode(Array(records.prefix(2)))
        // Swap the two entries: both have the same length, so swapping byte ranges is enough.
        let entryLength = (unsortedImage.count - 5) / 2
        let first = Array(unsortedImage[5..<5 + entryLength])
        unsortedImage.replaceSubrange(5..<5 + entryLength, with: unsortedImage[(5 + entryLength)...])
        unsortedImage.replaceSubrange((5 + entryLength)..., with: first)
        return [
            vector("three-records", "success", "two tokens and a tombstone, image padded to 4096", snapshot: good, contents: records),
            vector("empty", "success", "a vault with no records",
                   snapshot: try! SnapshotCipher.seal([], header: header, account: F.account, key: SecureBytes(F.vaultKey1),
                                                      nonce: Seed.bytes("snapshots/nonce/empty", 24)), contents: []),
            vector("wrong-key", "authentication failure", "opened with epoch 2's key", snapshot: good, key: F.vaultKey2),
            vector("other-account", "authentication failure", "opened as another account's", snapshot: good, account: F.otherAccount),
            vector("header-id-changed", "authentication failure", "one bit of the snapshot id flipped", snapshot: changedID),
            vector("header-epoch-changed", "authentication failure", "the epoch in the clear header changed", snapshot: changedEpoch),
            vector("header-time-changed", "authentication failure", "created-ms changed", snapshot: changedTime),
            vector("truncated", "parse failure", "the last byte cut: one byte shorter than the smallest snapshot (29 + 24 + 4096 + 16)",
                   snapshot: Array(good.dropLast())),
            vector("truncated-header", "parse failure", "only 20 bytes", snapshot: Array(good.prefix(20))),
            vector("too-short", "parse failure", "a header and nonce but less than a 4096-byte bucket", snapshot: Array(good.prefix(200))),
            vector("version-2", "unsupported version", "format byte 0x02", snapshot: v2),
            vector("record-other-epoch", "payload failure", "an epoch-1 snapshot holding a record sealed under epoch 2", snapshot: mixed),
            vector("records-unsorted", "payload failure", "image entries not in ascending record id order",
                   snapshot: sealImage(unsortedImage, label: "unsorted")),
            vector("padding-not-bucket", "payload failure", "the image padded to 5000 bytes",
                   snapshot: sealImage(SnapshotImage.encode(records), padTo: 5000, label: "pad-5000")),
            vector("image-trailing", "payload failure", "one byte after the last entry",
                   snapshot: sealImage(SnapshotImage.encode(records) + [0], label: "trailing")),
        ]
    }
}

import TwofoldProtocol

/// `merge/`: the merge rule over copies of one record (Protocol/sync.md, "Merge rule").
///
/// Header: `account-id`, `record-id`, `kind`, and `winner`: the 1-based line of the data
/// that must win. Data: one copy per line,
/// `<hlc (16 hex)> <device-id> <epoch> <deleted 0|1> <sealed (hex)>`; merge never opens
/// the sealed bytes, it compares them only when two copies carry the same stamp.
enum MergeVectors: VectorFamily {
    static let directory = "merge"
    typealias F = Fixtures

    static let record = try! RecordID(bytes: Seed.bytes("merge/record", 16))

    struct Copy {
        var hlc: UInt64
        var device: DeviceID
        var epoch: UInt32 = 1
        var deleted = false
        var sealed: [UInt8]

        init(_ hlc: UInt64, _ device: DeviceID, epoch: UInt32 = 1, deleted: Bool = false, sealed: [UInt8]? = nil) {
            self.hlc = hlc
            self.device = device
            self.epoch = epoch
            self.deleted = deleted
            self.sealed = sealed ?? Seed.bytes("merge/sealed/\(hlc)/\(device.hex)/\(epoch)/\(deleted)", 8)
        }

        var line: String { "\(F.hex16(hlc)) \(device.hex) \(epoch) \(deleted ? 1 : 0) \(Hex.encode(sealed))\n" }

        var sealedRecord: SealedRecord {
            SealedRecord(header: F.header(id: MergeVectors.record, kind: .token, hlc: hlc, device: device, epoch: epoch, deleted: deleted),
                         sealed: sealed)
        }
    }

    static func vector(_ name: String, _ comment: String, _ copies: [Copy]) -> VectorFile {
        let winner = Merge.winner(of: copies.map(\.sealedRecord))!
        let index = copies.firstIndex { $0.sealedRecord == winner }! + 1
        return F.file("\(directory)/\(name)", "success", comment, [
            .init("account-id", F.account.hex), .init("record-id", record.hex), .init("kind", "1"), .init("winner", "\(index)"),
        ], data: copies.map(\.line).joined())
    }

    /// Device ids that differ only in their first or last byte, to pin down byte-wise order.
    static let low = try! DeviceID(bytes: [0x01] + [UInt8](repeating: 0xff, count: 15))
    static let high = try! DeviceID(bytes: [0x02] + [UInt8](repeating: 0x00, count: 15))
    static let lastLow = try! DeviceID(bytes: [UInt8](repeating: 0x80, count: 15) + [0x01])
    static let lastHigh = try! DeviceID(bytes: [UInt8](repeating: 0x80, count: 15) + [0xfe])

    static func files() -> [VectorFile] {
        let t = F.now
        let a = F.deviceA, b = F.deviceB, c = F.deviceC
        var many: [Copy] = []
        for i in 0..<8 {
            let r = Seed.bytes("merge/many/\(i)", 3)
            // Distinct logical parts keep every stamp unique: collisions have their own vectors.
            many.append(Copy(F.hlc(t + UInt64(r[0] % 3), UInt64(i)), [a, b, c][Int(r[1]) % 3], deleted: r[2] & 0x10 != 0))
        }
        return [
            vector("single", "one copy wins by itself", [Copy(F.hlc(t), a)]),
            vector("hlc-decides", "the highest hlc wins whatever the order", [Copy(F.hlc(t, 2), a), Copy(F.hlc(t + 1), b), Copy(F.hlc(t, 9), c)]),
            vector("logical-decides", "same millisecond: the logical counter decides", [Copy(F.hlc(t, 1), b), Copy(F.hlc(t, 2), a)]),
            vector("device-first-byte", "equal hlc: the device id compared byte-wise (first byte decides, not a number read little-endian)",
                   [Copy(F.hlc(t), high), Copy(F.hlc(t), low)]),
            vector("device-last-byte", "equal hlc: ids equal up to the last byte", [Copy(F.hlc(t), lastHigh), Copy(F.hlc(t), lastLow)]),
            vector("delete-wins-when-newer", "a tombstone with a higher version beats an edit", [Copy(F.hlc(t), a), Copy(F.hlc(t + 5), b, deleted: true)]),
            vector("edit-after-delete", "an edit with a higher version beats a tombstone: the token comes back",
                   [Copy(F.hlc(t + 5), b, deleted: true), Copy(F.hlc(t + 6), a)]),
            vector("epoch-breaks-tie", "the same version re-sealed under epoch 2 by a rotation beats the epoch-1 copy",
                   [Copy(F.hlc(t), a, epoch: 2), Copy(F.hlc(t), a, epoch: 1)]),
            vector("version-beats-epoch", "a concurrent edit (higher version, epoch 1) beats a re-sealed older version (epoch 2)",
                   [Copy(F.hlc(t), a, epoch: 2), Copy(F.hlc(t + 1), b, epoch: 1)]),
            vector("collision-bytes", "equal stamps, different bytes (a copied device home): the greater sealed bytes win",
                   [Copy(F.hlc(t), a, sealed: [0x01, 0x02, 0xff]), Copy(F.hlc(t), a, sealed: [0x01, 0x03, 0x00])]),
            vector("collision-tombstone", "equal stamps, one deleted: the tombstone wins",
                   [Copy(F.hlc(t), a, deleted: true, sealed: [0x01]), Copy(F.hlc(t), a, sealed: [0xff])]),
            vector("many-concurrent", "eight copies from three devices within a few milliseconds", many),
        ]
    }
}

import TwofoldCrypto
import TwofoldProtocol

/// `heads/`: signed heads and the checks a device makes (Protocol/sync.md, "Heads").
///
/// Header: `account-id` the device syncs; `signer: <device-id> <ed25519-public-key>` for
/// each roster device; `record: <record-id> <kind> <hlc> <device-id> <epoch> <deleted>`
/// for each record the device pulled (its mirror of the relay's set); optionally
/// `seen-head` (hex), the highest head it accepted before. Data: the head, hex.
enum HeadVectors: VectorFamily {
    static let directory = "heads"
    typealias F = Fixtures

    static let keyA = F.signing("device-a")
    static let keyB = F.signing("device-b")
    static let keyC = F.signing("device-c")
    static let roster: [(DeviceID, Ed25519KeyPair)] = [(F.deviceA, keyA), (F.deviceB, keyB)]

    static func id(_ label: String) -> RecordID { try! RecordID(bytes: Seed.bytes("heads/record/\(label)", 16)) }

    /// Five records: two tokens, a tombstone, a counter, the roster.
    static let records: [RecordHeader] = [
        F.header(id: id("token-1"), kind: .token, hlc: F.hlc(F.now, 1)),
        F.header(id: id("token-2"), kind: .token, hlc: F.hlc(F.now + 10), device: F.deviceB),
        F.header(id: id("token-3"), kind: .token, hlc: F.hlc(F.now + 20), deleted: true),
        F.header(id: CounterPayload.recordID(token: id("token-2"), device: F.deviceA), kind: .hotpCounter, hlc: F.hlc(F.now + 30)),
        F.header(id: Roster.recordID(account: F.account), kind: .roster, hlc: F.hlc(F.now - 1000)),
    ]

    static func head(counter: UInt64, epoch: UInt32 = 1, records: [RecordHeader] = records, signer: DeviceID = F.deviceA,
                     key: Ed25519KeyPair = keyA, account: AccountID = F.account) -> SignedHead {
        Head(account: account, counter: counter, epoch: epoch, records: records, signer: signer).signed(with: key)
    }

    static func vector(_ name: String, _ expect: String, _ comment: String, head: [UInt8],
                       records: [RecordHeader] = records, seen: SignedHead? = nil,
                       signers: [(DeviceID, Ed25519KeyPair)] = roster) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("account-id", F.account.hex)]
        fields += signers.map { .init("signer", "\($0.0.hex) \(Hex.encode($0.1.publicKey))") }
        fields += records.sorted { $0.id < $1.id }.map { .init("record", F.line($0)) }
        if let seen { fields.append(.init("seen-head", Hex.encode(seen.bytes))) }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(head))
    }

    static func files() -> [VectorFile] {
        let h7 = head(counter: 7)
        let before = Array(records.prefix(2)) + Array(records.suffix(2))
        let h6 = head(counter: 6, records: before)
        var older = records
        older[1] = F.header(id: id("token-2"), kind: .token, hlc: F.hlc(F.now + 5), device: F.deviceB)
        let h8Fork = head(counter: 7, records: older, signer: F.deviceB, key: keyB)
        var flippedDeleted = records
        flippedDeleted[2].deleted = false
        var otherEpoch = records
        otherEpoch[0].epoch = 2
        let rotated = records.map { var r = $0; r.epoch = 2; return r }
        let h9Epoch2 = head(counter: 9, epoch: 2, records: rotated)
        var sigFlipped = h7.bytes
        sigFlipped[100] ^= 0x01
        var bodyFlipped = h7.bytes
        bodyFlipped[20] ^= 0x01
        var v2 = h7.bytes
        v2[0] = 2
        let extra = F.header(id: id("token-4"), kind: .token, hlc: F.hlc(F.now + 40))
        return [
            vector("first", "success", "the first head a device sees: no seen head", head: h7.bytes),
            vector("newer", "success", "counter 7 after 6 (which was before token 3 was deleted)", head: h7.bytes, seen: h6),
            vector("same", "success", "the same head again (nothing changed since)", head: h7.bytes, seen: h7),
            vector("rotated", "success", "counter 9 at epoch 2 after counter 7 at epoch 1: every record re-sealed under epoch 2",
                   head: h9Epoch2.bytes, records: rotated, seen: h7),
            vector("empty-set", "success", "a head over no records", head: head(counter: 1, records: []).bytes, records: []),
            vector("older-counter", "freshness failure", "counter 6 after 7: a rolled-back state", head: h6.bytes,
                   records: before, seen: h7),
            vector("fork", "freshness failure", "a second, different head numbered 7 (signed by device B): diverging histories",
                   head: h8Fork.bytes, records: older, seen: h7),
            vector("epoch-back", "freshness failure", "counter 10 at epoch 1 after counter 9 at epoch 2",
                   head: head(counter: 10).bytes, seen: h9Epoch2),
            vector("record-dropped", "digest failure", "the relay left one record out", head: h7.bytes, records: Array(records.dropFirst())),
            vector("record-replayed", "digest failure", "the relay served an older version of one record", head: h7.bytes, records: older),
            vector("record-added", "digest failure", "the relay added a record the head does not list", head: h7.bytes, records: records + [extra]),
            vector("record-undeleted", "digest failure", "the tombstone's deleted flag cleared", head: h7.bytes, records: flippedDeleted),
            vector("record-other-epoch", "digest failure", "one record under another epoch than the head's", head: h7.bytes, records: otherEpoch),
            vector("signer-not-in-roster", "roster failure", "signed by device C, which the roster does not list",
                   head: head(counter: 7, signer: F.deviceC, key: keyC).bytes),
            vector("signature-flipped", "signature failure", "one signature bit flipped", head: sigFlipped),
            vector("body-flipped", "signature failure", "one bit of the signed body (the counter) flipped", head: bodyFlipped),
            vector("signed-by-other-key", "signature failure", "names device A as signer but is signed with device B's key",
                   head: head(counter: 7, key: keyB).bytes),
            vector("other-account", "binding failure", "a valid head of another account",
                   head: head(counter: 7, account: F.otherAccount).bytes),
            vector("version-2", "unsupported version", "format byte 0x02", head: v2),
            vector("truncated", "parse failure", "one byte short of 145", head: Array(h7.bytes.dropLast())),
        ]
    }
}

import TwofoldProtocol

/// The sealed-record, grant and snapshot rules the relay checks without any key
/// (Protocol/relay-api.md, "Records", "Grants", "Snapshots") [API-31]: what every reader
/// would refuse (crypto.md, "Opening") is refused before any other device sees it.
enum RecordAdmission {
    /// Smallest padded block of a record (crypto.md, "Padding").
    static let minBlock = 256
    /// Largest padded block: the largest power of two whose record fits a 1 MiB body.
    static let maxBlock = 1 << 19
    /// Bytes around the padded block: format (1), nonce (24), tag (16).
    static let overhead = 41

    /// Format byte 0x01 and a length of `B + 41` with `B` a power of two from 256 to 2^19.
    static func checkSealed(_ sealed: [UInt8], field: String) throws(RelayError) {
        guard sealed.first == SealedRecord.formatVersion else {
            throw refuse("field '\(field)' must start with format byte 0x01 (Protocol/crypto.md, \"Sealed record\")")
        }
        let block = sealed.count - overhead
        guard block >= minBlock, block <= maxBlock, block & (block - 1) == 0 else {
            throw refuse("field '\(field)' is \(sealed.count) bytes; a sealed record is 41 bytes plus a power of two from 256 to 524288 (Protocol/crypto.md, \"Padding\")")
        }
    }

    /// A record id's shape for its kind: the roster lives at its derived id and nothing
    /// else does (crypto.md, "Identifiers"). Token and counter ids look alike to the relay.
    static func checkShape(_ write: RecordWrite, account: AccountID, field: String) throws(RelayError) {
        let roster = Roster.recordID(account: account)
        if write.kind == Int64(RecordKind.roster.rawValue), write.recordID != roster {
            throw refuse("field '\(field)' is a roster (kind 3) but its id is not the account's roster id")
        }
        if write.recordID == roster, write.kind != Int64(RecordKind.roster.rawValue) {
            throw refuse("field '\(field)' uses the account's roster id for kind \(write.kind)")
        }
    }

    /// A record id keeps its kind for ever.
    static func checkKind(_ write: RecordWrite, stored: Int64?) throws(RelayError) {
        guard let stored, stored != write.kind else { return }
        throw refuse("record \(write.recordID.hex) is kind \(stored) on the relay; a record never changes kind (sent \(write.kind))")
    }

    /// A grant is a sealed box of 53 bytes: exactly 101 bytes (crypto.md, "Grants").
    static func checkGrant(_ sealed: [UInt8], field: String) throws(RelayError) {
        guard sealed.count == 101 else { throw refuse("field '\(field)' is \(sealed.count) bytes; a grant is 101 bytes (Protocol/crypto.md, \"Grants\")") }
    }

    /// A snapshot: format byte, `29 + 24 + B + 16` with `B` a power of two of at least 4096,
    /// at most 64 MiB, and a clear header naming the upload's id, epoch and time (crypto.md, "Snapshots").
    static func checkSnapshot(_ upload: SnapshotUpload) throws(RelayError) {
        let sealed = upload.sealed
        guard sealed.first == SnapshotHeader.formatVersion else {
            throw refuse("field 'sealed' must start with snapshot format byte 0x01 (Protocol/crypto.md, \"Snapshots\")")
        }
        let block = sealed.count - 69
        guard block >= 4096, sealed.count <= 64 << 20, block & (block - 1) == 0 else {
            throw refuse("field 'sealed' is \(sealed.count) bytes; a snapshot is 69 bytes plus a power of two of at least 4096, at most 64 MiB")
        }
        guard let header = try? SnapshotHeader(decoding: sealed),
              header.id.bytes == upload.snapshotID.bytes, Int64(header.epoch) == upload.epoch,
              Int64(header.createdMilliseconds) == upload.createdAtMs else {
            throw refuse("the snapshot's header does not name this upload's snapshot_id, epoch and created_at_ms")
        }
    }

    static func refuse(_ why: String) -> RelayError {
        RelayError(.recordInvalid, "\(why); every device would refuse it: update Twofold on the device that sent it",
                   details: [.init("reason", .string(why))])
    }
}

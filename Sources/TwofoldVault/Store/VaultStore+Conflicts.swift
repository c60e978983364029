import Foundation
import GRDB
import TwofoldProtocol

/// A local side a merge set aside (Protocol/sync.md, "Concurrent edits"), as stored.
struct ConflictRow: Sendable {
    var id: Int64
    /// The record the local side was, sealed as it was stored.
    var lost: SealedRecord
    /// The fields whose local value lost.
    var fields: [TokenMerge.Field]
    /// The version of the relay copy that won.
    var winner: RecordVersion
    /// When the merge found it.
    var foundMilliseconds: UInt64
}

extension VaultStore {
    /// Keeps the relay copy a local change of `id` is made from, once: only while the
    /// local copy is still the relay's (a second offline edit keeps the first base).
    static func keepMergeBase(id: RecordID, account: AccountID, _ db: Database) throws {
        guard let local = try fetchRecord(id: id, account: account, db),
              let relay = try fetchRelayHeaders(account: account, db)[id], relay.header == local.header
        else { return }
        try insert(local, into: "merge_bases", orReplace: false, db)
    }

    static func fetchMergeBase(id: RecordID, account: AccountID, _ db: Database) throws -> SealedRecord? {
        try fetch(from: "merge_bases", id: id, account: account, db)
    }

    static func replaceMergeBase(_ record: SealedRecord, _ db: Database) throws {
        try insert(record, into: "merge_bases", orReplace: true, db)
    }

    static func forgetMergeBase(id: RecordID, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM merge_bases WHERE id = ?", arguments: [Data(id.bytes)])
    }

    static func hold(_ record: SealedRecord, _ db: Database) throws {
        try insert(record, into: "held_copies", orReplace: true, db)
    }

    static func fetchHeld(account: AccountID, _ db: Database) throws -> [SealedRecord] {
        try Row.fetchAll(db, sql: "SELECT id FROM held_copies ORDER BY id").compactMap { row in
            try fetch(from: "held_copies", id: try RecordID(bytes: Array(row[0] as Data)), account: account, db)
        }
    }

    static func forgetHeld(id: RecordID, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM held_copies WHERE id = ?", arguments: [Data(id.bytes)])
    }

    static func heldCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM held_copies") ?? 0
    }

    static func insertConflict(lost: SealedRecord, fields: [TokenMerge.Field], winner: RecordVersion, foundMilliseconds: UInt64, _ db: Database) throws {
        let h = lost.header
        try db.execute(
            sql: """
                INSERT INTO conflicts (token_id, fields, hlc, device, epoch, deleted, sealed, winner_hlc, winner_device, found_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [Data(h.id.bytes), fields.map(\.rawValue).joined(separator: ","), Int64(bitPattern: h.version.hlc),
                        Data(h.version.device.bytes), Int64(h.epoch), h.deleted ? 1 : 0, Data(lost.sealed),
                        Int64(bitPattern: winner.hlc), Data(winner.device.bytes), Int64(foundMilliseconds)])
    }

    static func fetchConflicts(account: AccountID, _ db: Database) throws -> [ConflictRow] {
        try Row.fetchAll(db, sql: """
            SELECT conflict_id, token_id, fields, hlc, device, epoch, deleted, sealed, winner_hlc, winner_device, found_ms
            FROM conflicts ORDER BY conflict_id
            """).map { row in
            let header = RecordHeader(
                account: account, id: try RecordID(bytes: Array(row[1] as Data)), kind: .token,
                version: RecordVersion(hlc: UInt64(bitPattern: row[3] as Int64), device: try DeviceID(bytes: Array(row[4] as Data))),
                epoch: UInt32(row[5] as Int64), deleted: (row[6] as Int64) != 0)
            return ConflictRow(
                id: row[0], lost: SealedRecord(header: header, sealed: Array(row[7] as Data)),
                fields: (row[2] as String).split(separator: ",").compactMap { TokenMerge.Field(rawValue: String($0)) },
                winner: RecordVersion(hlc: UInt64(bitPattern: row[8] as Int64), device: try DeviceID(bytes: Array(row[9] as Data))),
                foundMilliseconds: UInt64(row[10] as Int64))
        }
    }

    static func conflictCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts") ?? 0
    }

    static func deleteConflict(_ id: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM conflicts WHERE conflict_id = ?", arguments: [id])
    }

    private static func insert(_ record: SealedRecord, into table: String, orReplace: Bool, _ db: Database) throws {
        let h = record.header
        try db.execute(
            sql: "INSERT OR \(orReplace ? "REPLACE" : "IGNORE") INTO \(table) (id, hlc, device, epoch, deleted, sealed) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Data(h.id.bytes), Int64(bitPattern: h.version.hlc), Data(h.version.device.bytes),
                        Int64(h.epoch), h.deleted ? 1 : 0, Data(record.sealed)])
    }

    private static func fetch(from table: String, id: RecordID, account: AccountID, _ db: Database) throws -> SealedRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT hlc, device, epoch, deleted, sealed FROM \(table) WHERE id = ?",
                                         arguments: [Data(id.bytes)])
        else { return nil }
        let header = RecordHeader(
            account: account, id: id, kind: .token,
            version: RecordVersion(hlc: UInt64(bitPattern: row[0] as Int64), device: try DeviceID(bytes: Array(row[1] as Data))),
            epoch: UInt32(row[2] as Int64), deleted: (row[3] as Int64) != 0)
        return SealedRecord(header: header, sealed: Array(row[4] as Data))
    }
}

import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// Row mapping: the only place that knows column names and encodings
/// (enums as text, u64 clocks as their Int64 bit pattern, ids as 16-byte blobs).
extension VaultStore {
    static func insertMetadata(_ m: VaultMetadata, _ db: Database) throws {
        var salt: Data?
        var ops: Int64?
        var mem: Int64?
        var protection = "keyfile"
        if case .passphrase(let s, let cost) = m.protection {
            protection = "passphrase"
            salt = Data(s)
            ops = Int64(cost.opsLimit)
            mem = Int64(cost.memLimit)
        }
        try db.execute(
            sql: """
                INSERT INTO vault (singleton, account_id, device_id, current_epoch, clock, protection, kdf_salt, kdf_ops, kdf_mem, created_ms)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [Data(m.account.bytes), Data(m.device.bytes), Int64(m.currentEpoch),
                        Int64(bitPattern: m.clock), protection, salt, ops, mem, Int64(m.createdMilliseconds)])
    }

    static func fetchMetadata(_ db: Database) throws -> VaultMetadata {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM vault WHERE singleton = 1") else {
            throw VaultError.storage("the vault table is empty")
        }
        let protection: LocalProtection
        if (row["protection"] as String) == "passphrase" {
            let salt: Data = row["kdf_salt"]
            let ops: Int64 = row["kdf_ops"]
            let mem: Int64 = row["kdf_mem"]
            protection = .passphrase(salt: Array(salt), cost: Argon2id.Cost(opsLimit: UInt64(ops), memLimit: UInt64(mem)))
        } else {
            protection = .keyFile
        }
        return VaultMetadata(
            account: try AccountID(bytes: Array(row["account_id"] as Data)),
            device: try DeviceID(bytes: Array(row["device_id"] as Data)),
            currentEpoch: UInt32(row["current_epoch"] as Int64),
            clock: UInt64(bitPattern: row["clock"] as Int64),
            protection: protection,
            createdMilliseconds: UInt64(row["created_ms"] as Int64))
    }

    static func updateClock(_ clock: UInt64, _ db: Database) throws {
        try db.execute(sql: "UPDATE vault SET clock = ? WHERE singleton = 1", arguments: [Int64(bitPattern: clock)])
    }

    static func updateProtection(_ protection: LocalProtection, _ db: Database) throws {
        switch protection {
        case .keyFile:
            try db.execute(sql: "UPDATE vault SET protection = 'keyfile', kdf_salt = NULL, kdf_ops = NULL, kdf_mem = NULL")
        case .passphrase(let salt, let cost):
            try db.execute(
                sql: "UPDATE vault SET protection = 'passphrase', kdf_salt = ?, kdf_ops = ?, kdf_mem = ?",
                arguments: [Data(salt), Int64(cost.opsLimit), Int64(cost.memLimit)])
        }
    }

    static func fetchWrappedKeys(_ db: Database) throws -> [UInt32: [UInt8]] {
        var keys: [UInt32: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT epoch, wrapped FROM vault_keys") {
            keys[UInt32(row[0] as Int64)] = Array(row[1] as Data)
        }
        return keys
    }

    static func replaceWrappedKey(epoch: UInt32, wrapped: [UInt8], _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO vault_keys (epoch, wrapped) VALUES (?, ?)",
                       arguments: [Int64(epoch), Data(wrapped)])
    }

    /// Every record of `kind`, including tombstones, as sealed.
    static func fetchRecords(kind: RecordKind, account: AccountID, _ db: Database) throws -> [SealedRecord] {
        var out: [SealedRecord] = []
        try forEachRecord(kind: kind, account: account, db) { out.append($0) }
        return out
    }

    /// Streams the records of `kind` one at a time, so a search through thousands of
    /// tokens never holds them all in memory.
    static func forEachRecord(kind: RecordKind, account: AccountID, _ db: Database, _ body: (SealedRecord) throws -> Void) throws {
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT id, hlc, device, epoch, deleted, sealed FROM records WHERE kind = ?",
            arguments: [Int64(kind.rawValue)])
        while let row = try cursor.next() {
            let header = RecordHeader(
                account: account,
                id: try RecordID(bytes: Array(row[0] as Data)),
                kind: kind,
                version: RecordVersion(hlc: UInt64(bitPattern: row[1] as Int64),
                                       device: try DeviceID(bytes: Array(row[2] as Data))),
                epoch: UInt32(row[3] as Int64),
                deleted: (row[4] as Int64) != 0)
            try body(SealedRecord(header: header, sealed: Array(row[5] as Data)))
        }
    }

    /// Inserts or replaces a record (the caller has decided its version wins).
    static func upsert(_ record: SealedRecord, _ db: Database) throws {
        let h = record.header
        try db.execute(
            sql: "INSERT OR REPLACE INTO records (id, kind, hlc, device, epoch, deleted, sealed) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [Data(h.id.bytes), Int64(h.kind.rawValue), Int64(bitPattern: h.version.hlc),
                        Data(h.version.device.bytes), Int64(h.epoch), h.deleted ? 1 : 0, Data(record.sealed)])
    }
}

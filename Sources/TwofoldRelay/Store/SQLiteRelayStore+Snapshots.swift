import Foundation
import GRDB
import TwofoldProtocol

extension SQLiteRelayStore {
    public func putSnapshot(account: AccountID, device: DeviceID, upload: SnapshotUpload, quotas: StoreQuotas,
                            nowMs: Int64) async throws -> SnapshotInfo {
        try await pool.write { db in
            try self.requireActive(db, device: device, account: account)
            let acct = try self.accountRow(db, account)
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM snapshot WHERE account_id = ? AND id = ?)",
                                           arguments: [Data(account.bytes), Data(upload.snapshotID.bytes)]) ?? false
            guard !exists else { throw RelayError(.snapshotExists, "the snapshot id is taken; pick a new random id") }
            let count: Int64 = acct["snapshot_count"], bytes: Int64 = acct["snapshot_bytes"]
            guard count < quotas.maxSnapshots else {
                throw RelayError.quota("snapshots", limit: quotas.maxSnapshots, used: count,
                                       advice: "delete old snapshots (DELETE /v1/snapshots/{id}) and retry")
            }
            let size = Int64(upload.sealed.count)
            guard bytes + size <= quotas.maxSnapshotBytes else {
                throw RelayError.quota("snapshot_bytes", limit: quotas.maxSnapshotBytes, used: bytes,
                                       advice: "delete old snapshots (DELETE /v1/snapshots/{id}) and retry")
            }
            try db.execute(sql: """
                INSERT INTO snapshot (account_id, id, epoch, created_at_ms, uploaded_at_ms, device_id, size, sealed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(account.bytes), Data(upload.snapshotID.bytes), upload.epoch, upload.createdAtMs, nowMs,
                                 Data(device.bytes), size, Data(upload.sealed)])
            try db.execute(sql: "UPDATE account SET snapshot_count = snapshot_count + 1, snapshot_bytes = snapshot_bytes + ? WHERE id = ?",
                           arguments: [size, Data(account.bytes)])
            return SnapshotInfo(snapshotID: upload.snapshotID, epoch: upload.epoch, createdAtMs: upload.createdAtMs,
                                uploadedAtMs: nowMs, size: size, deviceID: device)
        }
    }

    static func snapshotInfo(_ row: Row) throws -> SnapshotInfo {
        SnapshotInfo(snapshotID: try row.recordID("id"), epoch: row["epoch"], createdAtMs: row["created_at_ms"],
                     uploadedAtMs: row["uploaded_at_ms"], size: row["size"], deviceID: try row.deviceID("device_id"))
    }

    public func snapshots(account: AccountID) async throws -> [SnapshotInfo] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, epoch, created_at_ms, uploaded_at_ms, size, device_id FROM snapshot
                WHERE account_id = ? ORDER BY created_at_ms DESC, uploaded_at_ms DESC, id
                """, arguments: [Data(account.bytes)]).map(Self.snapshotInfo)
        }
    }

    public func snapshot(account: AccountID, id: RecordID) async throws -> (info: SnapshotInfo, sealed: [UInt8])? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM snapshot WHERE account_id = ? AND id = ?",
                                             arguments: [Data(account.bytes), Data(id.bytes)]) else { return nil }
            return (try Self.snapshotInfo(row), row.bytes("sealed"))
        }
    }

    public func deleteSnapshot(account: AccountID, id: RecordID) async throws -> Bool {
        try await pool.write { db in
            guard let size = try Int64.fetchOne(db, sql: "SELECT size FROM snapshot WHERE account_id = ? AND id = ?",
                                                arguments: [Data(account.bytes), Data(id.bytes)]) else { return false }
            try db.execute(sql: "DELETE FROM snapshot WHERE account_id = ? AND id = ?", arguments: [Data(account.bytes), Data(id.bytes)])
            try db.execute(sql: "UPDATE account SET snapshot_count = snapshot_count - 1, snapshot_bytes = snapshot_bytes - ? WHERE id = ?",
                           arguments: [size, Data(account.bytes)])
            return true
        }
    }
}

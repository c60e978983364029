import Foundation
import PostgresNIO
import TwofoldProtocol

extension PostgresRelayStore {
    public func putSnapshot(account: AccountID, device: DeviceID, upload: SnapshotUpload, quotas: StoreQuotas,
                            nowMs: Int64) async throws -> SnapshotInfo {
        do {
            return try await transaction { conn in
                // Under the account's row lock: the count and bytes checked are the ones updated.
                let acct = try await self.lockAccount(conn, account, activeDevice: device)
                let exists = try await Self.rows(conn, """
                    SELECT EXISTS (SELECT 1 FROM snapshot WHERE account_id = \(Self.bin(account.bytes)) AND id = \(Self.bin(upload.snapshotID.bytes))) AS taken
                    """, self.logger)[0].bool("taken")
                guard !exists else { throw RelayError(.snapshotExists, "the snapshot id is taken; pick a new random id") }
                let count = try acct.int("snapshot_count"), bytes = try acct.int("snapshot_bytes")
                guard count < quotas.maxSnapshots else {
                    throw RelayError.quota("snapshots", limit: quotas.maxSnapshots, used: count,
                                           advice: "delete old snapshots (DELETE /v1/snapshots/{id}) and retry")
                }
                let size = Int64(upload.sealed.count)
                guard bytes + size <= quotas.maxSnapshotBytes else {
                    throw RelayError.quota("snapshot_bytes", limit: quotas.maxSnapshotBytes, used: bytes,
                                           advice: "delete old snapshots (DELETE /v1/snapshots/{id}) and retry")
                }
                try await conn.query("""
                    INSERT INTO snapshot (account_id, id, epoch, created_at_ms, uploaded_at_ms, device_id, size, sealed)
                    VALUES (\(Self.bin(account.bytes)), \(Self.bin(upload.snapshotID.bytes)), \(upload.epoch), \(upload.createdAtMs), \(nowMs),
                            \(Self.bin(device.bytes)), \(size), \(Self.bin(upload.sealed)))
                    """, logger: self.logger)
                try await conn.query("""
                    UPDATE account SET snapshot_count = snapshot_count + 1, snapshot_bytes = snapshot_bytes + \(size)
                    WHERE id = \(Self.bin(account.bytes))
                    """, logger: self.logger)
                return SnapshotInfo(snapshotID: upload.snapshotID, epoch: upload.epoch, createdAtMs: upload.createdAtMs,
                                    uploadedAtMs: nowMs, size: size, deviceID: device)
            }
        } catch {
            throw Self.mapUnique(error)
        }
    }

    static func snapshotInfo(_ row: PGRow) throws -> SnapshotInfo {
        SnapshotInfo(snapshotID: try row.recordID("id"), epoch: try row.int("epoch"), createdAtMs: try row.int("created_at_ms"),
                     uploadedAtMs: try row.int("uploaded_at_ms"), size: try row.int("size"), deviceID: try row.deviceID("device_id"))
    }

    public func snapshots(account: AccountID) async throws -> [SnapshotInfo] {
        try await client.query("""
            SELECT id, epoch, created_at_ms, uploaded_at_ms, size, device_id FROM snapshot
            WHERE account_id = \(Self.bin(account.bytes)) ORDER BY created_at_ms DESC, uploaded_at_ms DESC, id
            """, logger: logger).collect().map { try Self.snapshotInfo(PGRow($0.makeRandomAccess())) }
    }

    public func snapshot(account: AccountID, id: RecordID) async throws -> (info: SnapshotInfo, sealed: [UInt8])? {
        let rows = try await client.query("""
            SELECT * FROM snapshot WHERE account_id = \(Self.bin(account.bytes)) AND id = \(Self.bin(id.bytes))
            """, logger: logger).collect()
        guard let row = rows.first.map({ PGRow($0.makeRandomAccess()) }) else { return nil }
        return (try Self.snapshotInfo(row), try row.bytes("sealed"))
    }

    public func deleteSnapshot(account: AccountID, id: RecordID) async throws -> Bool {
        try await transaction { conn in
            guard let size = try await Self.rows(conn, """
                DELETE FROM snapshot WHERE account_id = \(Self.bin(account.bytes)) AND id = \(Self.bin(id.bytes)) RETURNING size
                """, self.logger).first?.int("size") else { return false }
            try await conn.query("""
                UPDATE account SET snapshot_count = snapshot_count - 1, snapshot_bytes = snapshot_bytes - \(size)
                WHERE id = \(Self.bin(account.bytes))
                """, logger: self.logger)
            return true
        }
    }
}

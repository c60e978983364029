import Foundation
import GRDB
import TwofoldProtocol

/// Row mapping of the sync tables ("v2-sync"): the only place that knows their columns.
extension VaultStore {
    static func fetchSyncState(_ db: Database) throws -> SyncState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE singleton = 1") else { return nil }
        guard let accountState = SyncState.AccountState(rawValue: row["account_state"]) else {
            throw VaultError.storage("unknown account state in sync_state")
        }
        var head: SignedHead?
        if let bytes = row["head"] as Data? { head = try SignedHead(decoding: Array(bytes)) }
        return SyncState(
            relayURL: row["relay_url"], accountState: accountState,
            lastSeq: UInt64(row["last_seq"] as Int64), head: head,
            lastSyncMilliseconds: (row["last_sync_ms"] as Int64?).map { UInt64($0) },
            lastError: row["last_error"], clockOffsetMilliseconds: row["clock_offset_ms"])
    }

    static func insertSyncState(relayURL: String, pendingRecovery: [UInt8]?, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO sync_state (singleton, relay_url, account_state, pending_recovery) VALUES (1, ?, ?, ?)",
            arguments: [relayURL, pendingRecovery == nil ? "ready" : "creating", pendingRecovery.map { Data($0) }])
    }

    static func fetchPendingRecovery(_ db: Database) throws -> [UInt8]? {
        (try Data.fetchOne(db, sql: "SELECT pending_recovery FROM sync_state WHERE singleton = 1")).map { Array($0) }
    }

    static func markAccountReady(_ db: Database) throws {
        try db.execute(sql: "UPDATE sync_state SET account_state = 'ready', pending_recovery = NULL WHERE singleton = 1")
    }

    static func updateRelayURL(_ url: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE sync_state SET relay_url = ? WHERE singleton = 1", arguments: [url])
    }

    /// Moves the pull position and the accepted head forward, never back.
    static func advance(lastSeq: UInt64, head: SignedHead?, _ db: Database) throws {
        try db.execute(sql: "UPDATE sync_state SET last_seq = max(last_seq, ?) WHERE singleton = 1", arguments: [Int64(lastSeq)])
        if let head {
            try db.execute(sql: "UPDATE sync_state SET head = ? WHERE singleton = 1", arguments: [Data(head.bytes)])
        }
    }

    static func recordOutcome(syncedAt: UInt64?, error: String?, clockOffset: Int64?, _ db: Database) throws {
        if let syncedAt {
            try db.execute(sql: "UPDATE sync_state SET last_sync_ms = ?, last_error = NULL WHERE singleton = 1",
                           arguments: [Int64(syncedAt)])
        }
        if let error {
            try db.execute(sql: "UPDATE sync_state SET last_error = ? WHERE singleton = 1", arguments: [error])
        }
        if let clockOffset {
            try db.execute(sql: "UPDATE sync_state SET clock_offset_ms = ? WHERE singleton = 1", arguments: [clockOffset])
        }
    }

    static func fetchAccessToken(_ db: Database) throws -> (text: String, expiresAt: UInt64)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT access_token, access_token_expires_ms FROM sync_state WHERE singleton = 1"),
              let text = row[0] as String?, let expires = row[1] as Int64?
        else { return nil }
        return (text, UInt64(expires))
    }

    static func storeAccessToken(_ token: (text: String, expiresAt: UInt64)?, _ db: Database) throws {
        try db.execute(sql: "UPDATE sync_state SET access_token = ?, access_token_expires_ms = ? WHERE singleton = 1",
                       arguments: [token?.text, token.map { Int64($0.expiresAt) }])
    }

    struct DeviceKeyRow {
        var signSecret: [UInt8]
        var boxPublic: [UInt8]
        var boxWrapped: [UInt8]
        var boxEpoch: UInt32
    }

    static func fetchDeviceKeys(_ db: Database) throws -> DeviceKeyRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM device_keys WHERE singleton = 1") else { return nil }
        return DeviceKeyRow(signSecret: Array(row["sign_secret"] as Data), boxPublic: Array(row["box_public"] as Data),
                            boxWrapped: Array(row["box_wrapped"] as Data), boxEpoch: UInt32(row["box_epoch"] as Int64))
    }

    static func insertDeviceKeys(_ keys: DeviceKeyRow, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO device_keys (singleton, sign_secret, box_public, box_wrapped, box_epoch) VALUES (1, ?, ?, ?, ?)",
            arguments: [Data(keys.signSecret), Data(keys.boxPublic), Data(keys.boxWrapped), Int64(keys.boxEpoch)])
    }

    /// The relay's record set as this device mirrors it, by id, with each record's seq.
    static func fetchRelayHeaders(account: AccountID, _ db: Database) throws -> [RecordID: (header: RecordHeader, seq: UInt64)] {
        var out: [RecordID: (header: RecordHeader, seq: UInt64)] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, hlc, device, epoch, deleted, seq FROM relay_records")
        while let row = try cursor.next() {
            let header = try Self.header(row, account: account, kind: row[1])
            out[header.id] = (header, UInt64(row[6] as Int64))
        }
        return out
    }

    static func upsertRelay(_ header: RecordHeader, seq: UInt64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO relay_records (id, kind, hlc, device, epoch, deleted, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [Data(header.id.bytes), Int64(header.kind.rawValue), Int64(bitPattern: header.version.hlc),
                        Data(header.version.device.bytes), Int64(header.epoch), header.deleted ? 1 : 0, Int64(seq)])
    }

    /// The local copy of one record, whatever its kind.
    static func fetchRecord(id: RecordID, account: AccountID, _ db: Database) throws -> SealedRecord? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT id, kind, hlc, device, epoch, deleted, sealed FROM records WHERE id = ?",
            arguments: [Data(id.bytes)])
        else { return nil }
        return SealedRecord(header: try header(row, account: account, kind: row[1]), sealed: Array(row[6] as Data))
    }

    /// Up to `limit` outbox entries, the roster first, then by record id (a stable order).
    static func fetchOutbox(account: AccountID, limit: Int, _ db: Database) throws -> [PendingWrite] {
        let rows = try Row.fetchAll(
            db, sql: """
                SELECT id, kind, hlc, device, epoch, deleted, sealed, relay_hlc, relay_device FROM outbox
                ORDER BY kind = \(RecordKind.roster.rawValue) DESC, id LIMIT ?
                """, arguments: [limit])
        return try rows.map { row in
            let record = SealedRecord(header: try header(row, account: account, kind: row[1]), sealed: Array(row[6] as Data))
            var expected: RecordVersion?
            if let hlc = row[7] as Int64?, let device = row[8] as Data? {
                expected = RecordVersion(hlc: UInt64(bitPattern: hlc), device: try DeviceID(bytes: Array(device)))
            }
            return PendingWrite(record: record, expectedVersion: expected)
        }
    }

    static func outboxCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
    }

    static func fetchSigners(_ db: Database) throws -> [DeviceID: [UInt8]] {
        var out: [DeviceID: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT device_id, sign_key FROM roster_signers") {
            out[try DeviceID(bytes: Array(row[0] as Data))] = Array(row[1] as Data)
        }
        return out
    }

    static func replaceSigners(_ signers: [DeviceID: [UInt8]], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM roster_signers")
        for (id, key) in signers {
            try db.execute(sql: "INSERT INTO roster_signers (device_id, sign_key) VALUES (?, ?)",
                           arguments: [Data(id.bytes), Data(key)])
        }
    }

    private static func header(_ row: Row, account: AccountID, kind rawKind: Int64) throws -> RecordHeader {
        guard let kind = RecordKind(rawValue: UInt8(clamping: rawKind)) else {
            throw VaultError.storage("a stored record has unknown kind \(rawKind)")
        }
        return RecordHeader(
            account: account, id: try RecordID(bytes: Array(row[0] as Data)), kind: kind,
            version: RecordVersion(hlc: UInt64(bitPattern: row[2] as Int64), device: try DeviceID(bytes: Array(row[3] as Data))),
            epoch: UInt32(row[4] as Int64), deleted: (row[5] as Int64) != 0)
    }
}

import Foundation
import GRDB
import TwofoldProtocol

extension SQLiteRelayStore {
    public func createAccount(_ account: NewAccount, inviteHash: [UInt8]?, nowMs: Int64) async throws {
        try await pool.write { db in
            // The invite's use and the account are one transaction [API-14].
            var label: String?
            if let inviteHash {
                try db.execute(sql: """
                    UPDATE invite SET uses_left = uses_left - 1
                    WHERE hash = ? AND uses_left > 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)
                    """, arguments: [Data(inviteHash), nowMs])
                guard db.changesCount == 1 else {
                    throw RelayError(.inviteInvalid, "the invite is unknown, expired or used up; ask the relay's admin for a new one")
                }
                label = try String.fetchOne(db, sql: "SELECT label FROM invite WHERE hash = ?", arguments: [Data(inviteHash)])
            }
            let id = Data(account.accountID.bytes)
            let exists = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM account WHERE id = ?) OR EXISTS (SELECT 1 FROM deleted_account WHERE id = ?)
                """, arguments: [id, id]) ?? false
            guard !exists else { throw RelayError(.accountExists, "the account id is taken; pick a new random id") }
            let keyTaken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM account WHERE recovery_sign_key = ?)",
                                             arguments: [Data(account.recovery.signKey)]) ?? false
            guard !keyTaken else {
                throw RelayError(.accountExists, "the recovery key already belongs to an account; generate a new recovery key")
            }
            try Self.requireNewDevice(db, account.device.deviceID)
            let p = account.passphrase
            try db.execute(sql: """
                INSERT INTO account (id, epoch, created_at_ms, recovery_sign_key, recovery_box_key,
                    passphrase_sign_key, passphrase_box_key, passphrase_salt, passphrase_ops, passphrase_mem, label)
                VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, nowMs, Data(account.recovery.signKey), Data(account.recovery.boxKey),
                                 p.map { Data($0.keys.signKey) }, p.map { Data($0.keys.boxKey) }, p.map { Data($0.salt) },
                                 p?.opsLimit, p?.memLimit, label])
            try Self.insertDevice(db, account.device, account: account.accountID, nowMs: nowMs)
            for grant in account.grants {
                try Self.putGrant(db, account: account.accountID, grant: grant, epoch: 1)
            }
        }
    }

    /// `device_exists` unless no account has this device id.
    static func requireNewDevice(_ db: Database, _ device: DeviceID) throws {
        let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM device WHERE id = ?)",
                                      arguments: [Data(device.bytes)]) ?? false
        guard !taken else { throw RelayError(.deviceExists, "the device id is taken; pick a new random device id") }
    }

    static func insertDevice(_ db: Database, _ keys: DeviceKeys, account: AccountID, nowMs: Int64) throws {
        try db.execute(sql: """
            INSERT INTO device (id, account_id, sign_key, box_key, status, created_at_ms, last_seen_ms)
            VALUES (?, ?, ?, ?, 'active', ?, ?)
            """, arguments: [Data(keys.deviceID.bytes), Data(account.bytes), Data(keys.signKey), Data(keys.boxKey), nowMs, nowMs])
    }

    static func putGrant(_ db: Database, account: AccountID, grant: GrantEntry, epoch: Int64) throws {
        try db.execute(sql: """
            INSERT INTO account_grant (account_id, recipient, epoch, sealed) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_id, recipient) DO UPDATE SET epoch = excluded.epoch, sealed = excluded.sealed
            """, arguments: [Data(account.bytes), grant.recipient.text, epoch, Data(grant.sealed)])
    }

    public func account(_ id: AccountID) async throws -> AccountState? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [Data(id.bytes)]) else {
                return nil
            }
            let devices = try Row.fetchAll(db, sql: "SELECT * FROM device WHERE account_id = ? ORDER BY created_at_ms, id",
                                           arguments: [Data(id.bytes)]).map { d in
                DeviceInfo(keys: DeviceKeys(deviceID: try d.deviceID("id"), signKey: d.bytes("sign_key"), boxKey: d.bytes("box_key")),
                           status: DeviceStatus(rawValue: d["status"]) ?? .revoked, createdAtMs: d["created_at_ms"],
                           revokedAtMs: d["revoked_at_ms"], lastSeenMs: d["last_seen_ms"])
            }
            return AccountState(
                accountID: id, epoch: row["epoch"], createdAtMs: row["created_at_ms"], devices: devices,
                recovery: AccountKeys(signKey: row.bytes("recovery_sign_key"), boxKey: row.bytes("recovery_box_key")),
                passphrase: Self.passphrase(row),
                usage: Usage(records: row["record_count"], recordBytes: row["record_bytes"],
                             snapshots: row["snapshot_count"], snapshotBytes: row["snapshot_bytes"]))
        }
    }

    static func passphrase(_ row: Row) -> PassphraseKeys? {
        guard let sign = row.optionalBytes("passphrase_sign_key"), let box = row.optionalBytes("passphrase_box_key"),
              let salt = row.optionalBytes("passphrase_salt"), let ops = row["passphrase_ops"] as Int64?,
              let mem = row["passphrase_mem"] as Int64?
        else { return nil }
        return PassphraseKeys(keys: AccountKeys(signKey: sign, boxKey: box), salt: salt, opsLimit: ops, memLimit: mem)
    }

    public func passphraseKeys(_ id: AccountID) async throws -> PassphraseKeys? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [Data(id.bytes)]).flatMap(Self.passphrase)
        }
    }

    public func device(_ id: DeviceID, account: AccountID) async throws -> (keys: DeviceKeys, status: DeviceStatus)? {
        try await pool.read { db in
            guard let d = try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = ? AND account_id = ?",
                                           arguments: [Data(id.bytes), Data(account.bytes)]) else { return nil }
            return (DeviceKeys(deviceID: id, signKey: d.bytes("sign_key"), boxKey: d.bytes("box_key")),
                    DeviceStatus(rawValue: d["status"]) ?? .revoked)
        }
    }

    public func touch(device: DeviceID, account: AccountID, nowMs: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET last_seen_ms = ? WHERE id = ? AND account_id = ?",
                           arguments: [nowMs, Data(device.bytes), Data(account.bytes)])
        }
    }

    public func deleteAccount(_ id: AccountID, nowMs: Int64) async throws -> Bool {
        try await pool.write { db in
            // Cascades to devices, records, grants and snapshots; the id is kept so its
            // devices hear `account_deleted` and the id is never reused.
            try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [Data(id.bytes)])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM mailbox WHERE reply_account = ?", arguments: [Data(id.bytes)])
            try db.execute(sql: "INSERT OR IGNORE INTO deleted_account (id, deleted_at_ms) VALUES (?, ?)",
                           arguments: [Data(id.bytes), nowMs])
            return true
        }
    }

    public func accountSummaries() async throws -> [AccountSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.id, a.record_count, a.record_bytes + a.snapshot_bytes AS bytes, a.label, a.created_at_ms,
                    a.disabled_at_ms,
                    (SELECT count(*) FROM device d WHERE d.account_id = a.id AND d.status = 'active') AS devices,
                    (SELECT max(last_seen_ms) FROM device d WHERE d.account_id = a.id) AS last_seen
                FROM account a ORDER BY a.created_at_ms, a.id
                """).map { row in
                AccountSummary(accountID: try row.accountID("id"), devices: row["devices"], records: row["record_count"],
                               bytes: row["bytes"], lastSeenMs: row["last_seen"], label: row["label"],
                               createdAtMs: row["created_at_ms"], disabled: (row["disabled_at_ms"] as Int64?) != nil)
            }
        }
    }

    public func setAccountDisabled(_ id: AccountID, disabled: Bool, nowMs: Int64) async throws -> Bool {
        try await pool.write { db in
            let value: Int64? = disabled ? nowMs : nil
            try db.execute(sql: "UPDATE account SET disabled_at_ms = CASE WHEN ? THEN coalesce(disabled_at_ms, ?) END WHERE id = ?",
                           arguments: [disabled, value, Data(id.bytes)])
            return db.changesCount == 1
        }
    }

    // MARK: Invites

    public func createInvite(hash: [UInt8], uses: Int64, expiresAtMs: Int64?, label: String?, nowMs: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO invite (hash, uses_left, expires_at_ms, created_at_ms, label) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Data(hash), uses, expiresAtMs, nowMs, label])
        }
    }

    public func invites(nowMs: Int64) async throws -> [InviteInfo] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM invite WHERE uses_left > 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)
                ORDER BY created_at_ms
                """, arguments: [nowMs]).map { row in
                InviteInfo(id: String(Hex.encode(row.bytes("hash")).prefix(12)), usesLeft: row["uses_left"],
                           expiresAtMs: row["expires_at_ms"], createdAtMs: row["created_at_ms"], label: row["label"])
            }
        }
    }

    public func revokeInvite(id: String) async throws -> Bool {
        guard WireFormat.isLowerHex(id, count: 12), let prefix = Hex.decode(id) else { return false }
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM invite WHERE substr(hash, 1, 6) = ?", arguments: [Data(prefix)])
            return db.changesCount > 0
        }
    }
}

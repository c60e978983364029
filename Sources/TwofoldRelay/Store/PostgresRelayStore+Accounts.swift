import Foundation
import Logging
import PostgresNIO
import TwofoldProtocol

extension PostgresRelayStore {
    static let accountExists = RelayError(.accountExists, "the account id is taken; pick a new random id")
    static let deviceExists = RelayError(.deviceExists, "the device id is taken; pick a new random device id")

    public func createAccount(_ account: NewAccount, inviteHash: [UInt8]?, nowMs: Int64) async throws {
        do {
            try await transaction { conn in
                // The invite's use and the account are one transaction [API-14]: the
                // conditional UPDATE locks the invite row, so of two concurrent uses of the
                // last one, the second finds uses_left = 0.
                var label: String?
                if let inviteHash {
                    let used = try await Self.rows(conn, """
                        UPDATE invite SET uses_left = uses_left - 1
                        WHERE hash = \(Self.bin(inviteHash)) AND uses_left > 0 AND (expires_at_ms IS NULL OR expires_at_ms > \(nowMs))
                        RETURNING label
                        """, self.logger)
                    guard used.count == 1 else {
                        throw RelayError(.inviteInvalid, "the invite is unknown, expired or used up; ask the relay's admin for a new one")
                    }
                    label = try used[0].optionalText("label")
                }
                let id = Self.bin(account.accountID.bytes)
                let exists = try await Self.rows(conn, """
                    SELECT EXISTS (SELECT 1 FROM account WHERE id = \(id)) OR EXISTS (SELECT 1 FROM deleted_account WHERE id = \(id)) AS taken
                    """, self.logger)[0].bool("taken")
                guard !exists else { throw Self.accountExists }
                let keyTaken = try await Self.rows(conn, """
                    SELECT EXISTS (SELECT 1 FROM account WHERE recovery_sign_key = \(Self.bin(account.recovery.signKey))) AS taken
                    """, self.logger)[0].bool("taken")
                guard !keyTaken else {
                    throw RelayError(.accountExists, "the recovery key already belongs to an account; generate a new recovery key")
                }
                try await Self.requireNewDevice(conn, account.device.deviceID, self.logger)
                let p = account.passphrase
                try await conn.query("""
                    INSERT INTO account (id, epoch, created_at_ms, recovery_sign_key, recovery_box_key,
                        passphrase_sign_key, passphrase_box_key, passphrase_salt, passphrase_ops, passphrase_mem, label)
                    VALUES (\(id), 1, \(nowMs), \(Self.bin(account.recovery.signKey)), \(Self.bin(account.recovery.boxKey)),
                        \(p.map { Self.bin($0.keys.signKey) }), \(p.map { Self.bin($0.keys.boxKey) }), \(p.map { Self.bin($0.salt) }),
                        \(p?.opsLimit), \(p?.memLimit), \(label))
                    """, logger: self.logger)
                try await Self.insertDevice(conn, account.device, account: account.accountID, nowMs: nowMs, self.logger)
                for grant in account.grants {
                    try await Self.putGrant(conn, account: account.accountID, grant: grant, epoch: 1, self.logger)
                }
            }
        } catch {
            // Two replicas creating the same ids at once: the loser's insert breaks a key.
            throw Self.mapUnique(error)
        }
    }

    /// A broken unique key as the refusal the SQLite store gives for it.
    static func mapUnique(_ error: any Error) -> any Error {
        guard let constraint = uniqueViolation(error) else { return error }
        if constraint.hasPrefix("device") { return deviceExists }
        if constraint.hasPrefix("account_recovery") {
            return RelayError(.accountExists, "the recovery key already belongs to an account; generate a new recovery key")
        }
        if constraint.hasPrefix("account") { return accountExists }
        if constraint.hasPrefix("snapshot") { return RelayError(.snapshotExists, "the snapshot id is taken; pick a new random id") }
        if constraint.hasPrefix("mailbox") {
            return RelayError(.rendezvousTaken, "the rendezvous id is taken; pick a new random one and show a new code")
        }
        return error
    }

    /// `device_exists` unless no account has this device id.
    static func requireNewDevice(_ conn: PostgresConnection, _ device: DeviceID, _ logger: Logger) async throws {
        let taken = try await rows(conn, "SELECT EXISTS (SELECT 1 FROM device WHERE id = \(bin(device.bytes))) AS taken", logger)[0]
            .bool("taken")
        guard !taken else { throw deviceExists }
    }

    static func insertDevice(_ conn: PostgresConnection, _ keys: DeviceKeys, account: AccountID, nowMs: Int64, _ logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO device (id, account_id, sign_key, box_key, status, created_at_ms, last_seen_ms)
            VALUES (\(bin(keys.deviceID.bytes)), \(bin(account.bytes)), \(bin(keys.signKey)), \(bin(keys.boxKey)), 'active', \(nowMs), \(nowMs))
            """, logger: logger)
    }

    public func account(_ id: AccountID) async throws -> AccountState? {
        try await transaction(readOnly: true) { conn in
            guard let row = try await Self.rows(conn, "SELECT * FROM account WHERE id = \(Self.bin(id.bytes))", self.logger).first else {
                return nil
            }
            let devices = try await Self.rows(conn, """
                SELECT * FROM device WHERE account_id = \(Self.bin(id.bytes)) ORDER BY created_at_ms, id
                """, self.logger).map { d in
                DeviceInfo(keys: DeviceKeys(deviceID: try d.deviceID("id"), signKey: try d.bytes("sign_key"), boxKey: try d.bytes("box_key")),
                           status: DeviceStatus(rawValue: try d.text("status")) ?? .revoked, createdAtMs: try d.int("created_at_ms"),
                           revokedAtMs: try d.optionalInt("revoked_at_ms"), lastSeenMs: try d.optionalInt("last_seen_ms"))
            }
            return AccountState(
                accountID: id, epoch: try row.int("epoch"), createdAtMs: try row.int("created_at_ms"), devices: devices,
                recovery: AccountKeys(signKey: try row.bytes("recovery_sign_key"), boxKey: try row.bytes("recovery_box_key")),
                passphrase: try Self.passphrase(row),
                usage: Usage(records: try row.int("record_count"), recordBytes: try row.int("record_bytes"),
                             snapshots: try row.int("snapshot_count"), snapshotBytes: try row.int("snapshot_bytes")))
        }
    }

    static func passphrase(_ row: PGRow) throws -> PassphraseKeys? {
        guard let sign = try row.optionalBytes("passphrase_sign_key"), let box = try row.optionalBytes("passphrase_box_key"),
              let salt = try row.optionalBytes("passphrase_salt"), let ops = try row.optionalInt("passphrase_ops"),
              let mem = try row.optionalInt("passphrase_mem")
        else { return nil }
        return PassphraseKeys(keys: AccountKeys(signKey: sign, boxKey: box), salt: salt, opsLimit: ops, memLimit: mem)
    }

    public func passphraseKeys(_ id: AccountID) async throws -> PassphraseKeys? {
        let rows = try await client.query("SELECT * FROM account WHERE id = \(Self.bin(id.bytes))", logger: logger).collect()
        return try rows.first.flatMap { try Self.passphrase(PGRow($0.makeRandomAccess())) }
    }

    public func device(_ id: DeviceID, account: AccountID) async throws -> (keys: DeviceKeys, status: DeviceStatus)? {
        let rows = try await client.query("""
            SELECT * FROM device WHERE id = \(Self.bin(id.bytes)) AND account_id = \(Self.bin(account.bytes))
            """, logger: logger).collect()
        guard let d = rows.first.map({ PGRow($0.makeRandomAccess()) }) else { return nil }
        return (DeviceKeys(deviceID: id, signKey: try d.bytes("sign_key"), boxKey: try d.bytes("box_key")),
                DeviceStatus(rawValue: try d.text("status")) ?? .revoked)
    }

    public func touch(device: DeviceID, account: AccountID, nowMs: Int64) async throws {
        try await client.query("""
            UPDATE device SET last_seen_ms = \(nowMs) WHERE id = \(Self.bin(device.bytes)) AND account_id = \(Self.bin(account.bytes))
            """, logger: logger)
    }

    public func deleteAccount(_ id: AccountID, nowMs: Int64) async throws -> Bool {
        try await transaction { conn in
            // Cascades to devices, records, grants and snapshots; the id is kept so its
            // devices hear `account_deleted` and the id is never reused. Other replicas close
            // the account's streams and mark it deleted when this commits.
            let deleted = try await Self.rows(conn, "DELETE FROM account WHERE id = \(Self.bin(id.bytes)) RETURNING 1 AS one", self.logger)
            guard deleted.count == 1 else { return false }
            try await conn.query("DELETE FROM mailbox WHERE reply_account = \(Self.bin(id.bytes))", logger: self.logger)
            try await conn.query("""
                INSERT INTO deleted_account (id, deleted_at_ms) VALUES (\(Self.bin(id.bytes)), \(nowMs)) ON CONFLICT (id) DO NOTHING
                """, logger: self.logger)
            try await self.notify(conn, [.accountDeleted(account: id)])
            return true
        }
    }

    public func accountSummaries() async throws -> [AccountSummary] {
        try await client.query("""
            SELECT a.id, a.record_count, a.record_bytes + a.snapshot_bytes AS bytes, a.label, a.created_at_ms, a.disabled_at_ms,
                (SELECT count(*) FROM device d WHERE d.account_id = a.id AND d.status = 'active') AS devices,
                (SELECT max(last_seen_ms) FROM device d WHERE d.account_id = a.id) AS last_seen
            FROM account a ORDER BY a.created_at_ms, a.id
            """, logger: logger).collect().map { raw in
            let row = PGRow(raw.makeRandomAccess())
            return AccountSummary(accountID: try row.accountID("id"), devices: try row.int("devices"), records: try row.int("record_count"),
                                  bytes: try row.int("bytes"), lastSeenMs: try row.optionalInt("last_seen"),
                                  label: try row.optionalText("label"), createdAtMs: try row.int("created_at_ms"),
                                  disabled: try row.optionalInt("disabled_at_ms") != nil)
        }
    }

    public func setAccountDisabled(_ id: AccountID, disabled: Bool, nowMs: Int64) async throws -> Bool {
        let value: Int64? = disabled ? nowMs : nil
        let rows = try await client.query("""
            UPDATE account SET disabled_at_ms = CASE WHEN \(disabled) THEN coalesce(disabled_at_ms, \(value)) END
            WHERE id = \(Self.bin(id.bytes)) RETURNING 1 AS one
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    // MARK: Invites

    public func createInvite(hash: [UInt8], uses: Int64, expiresAtMs: Int64?, label: String?, nowMs: Int64) async throws {
        try await client.query("""
            INSERT INTO invite (hash, uses_left, expires_at_ms, created_at_ms, label)
            VALUES (\(Self.bin(hash)), \(uses), \(expiresAtMs), \(nowMs), \(label))
            """, logger: logger)
    }

    public func invites(nowMs: Int64) async throws -> [InviteInfo] {
        try await client.query("""
            SELECT * FROM invite WHERE uses_left > 0 AND (expires_at_ms IS NULL OR expires_at_ms > \(nowMs)) ORDER BY created_at_ms
            """, logger: logger).collect().map { raw in
            let row = PGRow(raw.makeRandomAccess())
            return InviteInfo(id: String(Hex.encode(try row.bytes("hash")).prefix(12)), usesLeft: try row.int("uses_left"),
                              expiresAtMs: try row.optionalInt("expires_at_ms"), createdAtMs: try row.int("created_at_ms"),
                              label: try row.optionalText("label"))
        }
    }

    public func revokeInvite(id: String) async throws -> Bool {
        guard WireFormat.isLowerHex(id, count: 12), let prefix = Hex.decode(id) else { return false }
        let rows = try await client.query("""
            DELETE FROM invite WHERE substring(hash from 1 for 6) = \(Self.bin(prefix)) RETURNING 1 AS one
            """, logger: logger).collect()
        return !rows.isEmpty
    }
}

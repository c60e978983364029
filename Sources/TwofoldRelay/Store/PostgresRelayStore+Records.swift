import Foundation
import NIOCore
import PostgresNIO
import TwofoldProtocol

extension PostgresRelayStore {
    static let recordColumns = "record_id, kind, version, epoch, deleted, sealed, seq"
    /// What writes and pulls read of an account row.
    static let accountColumns = """
        epoch, latest_seq, record_count, record_bytes, snapshot_count, snapshot_bytes, head_counter, head_device, head_bytes,
        head_seq, passphrase_sign_key, disabled_at_ms
        """

    public func pull(account: AccountID, after: Int64, limit: Int, maxBytes: Int) async throws -> RecordPage {
        // One REPEATABLE READ transaction: the page, latest_seq and the head come from one
        // snapshot, so the head describes exactly the records up to its seq [API-18].
        try await transaction(readOnly: true) { conn in
            guard let acct = try await Self.rows(conn, """
                SELECT \(unescaped: Self.accountColumns) FROM account WHERE id = \(Self.bin(account.bytes))
                """, self.logger).first else {
                throw RelayError(.accountDeleted, "the account was deleted; this device can no longer sync")
            }
            // The rows are collected whole, so the query itself stops shortly after the page
            // must end: a record whose predecessors hold more than 3/4 of the budget in sealed
            // bytes is past it (base64url makes 4 bytes of 3, and each record adds its
            // members). The first such record is still read, so the budget below refuses it
            // and says `more`; the budget cuts exactly, as on SQLite.
            let rawBudget = Int64(maxBytes / 4 * 3)
            let rows = try await Self.rows(conn, """
                SELECT \(unescaped: Self.recordColumns) FROM (
                    SELECT \(unescaped: Self.recordColumns),
                           SUM(octet_length(sealed)) OVER w - octet_length(sealed)
                               - COALESCE(LAG(octet_length(sealed)) OVER w, 0) AS before_previous
                    FROM record WHERE account_id = \(Self.bin(account.bytes)) AND seq > \(after)
                    WINDOW w AS (ORDER BY seq ROWS UNBOUNDED PRECEDING)
                    ORDER BY seq LIMIT \(Int64(limit + 1))
                ) page WHERE before_previous <= \(rawBudget) ORDER BY seq
                """, self.logger)
            var budget = PageBudget(limit: limit, maxBytes: maxBytes)
            var records: [StoredRecord] = []
            var more = false
            for row in rows {
                let record = try Self.record(row)
                guard budget.admit(record) else { more = true; break }
                records.append(record)
            }
            return RecordPage(records: records, latestSeq: try acct.int("latest_seq"), more: more, epoch: try acct.int("epoch"),
                              head: more ? nil : try Self.head(acct))
        }
    }

    static func record(_ row: PGRow) throws -> StoredRecord {
        StoredRecord(recordID: try row.recordID("record_id"), kind: try row.int("kind"), version: try row.text("version"),
                     epoch: try row.int("epoch"), deleted: try row.bool("deleted"), sealed: try row.bytes("sealed"), seq: try row.int("seq"))
    }

    static func head(_ account: PGRow) throws -> StoredHead? {
        guard let counter = try account.optionalInt("head_counter") else { return nil }
        return StoredHead(counter: counter, deviceID: try account.deviceID("head_device"), head: try account.bytes("head_bytes"),
                          seq: try account.int("head_seq"))
    }

    public func head(account: AccountID) async throws -> StoredHead? {
        let row = try await client.query("SELECT * FROM account WHERE id = \(Self.bin(account.bytes))", logger: logger).collect().first
        guard let row else { throw RelayError(.accountDeleted, "the account was deleted; this device can no longer sync") }
        return try Self.head(PGRow(row.makeRandomAccess()))
    }

    public func push(account: AccountID, device: DeviceID, writes: [RecordWrite], head: HeadWrite,
                     quotas: StoreQuotas, nowMs: Int64) async throws -> PushOutcome {
        guard Set(writes.map(\.recordID)).count == writes.count else {
            throw RelayError.malformed("the batch names a record twice; send each record once")
        }
        return try await transaction { conn in
            // The account's row lock serialises every write to the account on every replica:
            // all checks, then all writes, in one transaction [API-19]; seqs from the locked
            // row, so seq order is commit order [SYN-20].
            let acct = try await self.lockAccount(conn, account, activeDevice: device)
            let epoch = try acct.int("epoch")
            try SQLiteRelayStore.checkEpoch(writes.map(\.epoch), account: epoch)
            var current: [RecordID: StoredRecord] = [:]
            if !writes.isEmpty {
                let ids = writes.map { Self.bin($0.recordID.bytes) }
                for row in try await Self.rows(conn, """
                    SELECT \(unescaped: Self.recordColumns) FROM record
                    WHERE account_id = \(Self.bin(account.bytes)) AND record_id = ANY(\(ids))
                    """, self.logger) {
                    let stored = try Self.record(row)
                    current[stored.recordID] = stored
                }
            }
            for w in writes { try RecordAdmission.checkKind(w, stored: current[w.recordID]?.kind) }
            let conflicts = writes.compactMap { w in current[w.recordID].flatMap { $0.version != w.expectedVersion ? $0 : nil } }
            if writes.contains(where: { current[$0.recordID]?.version != $0.expectedVersion }) {
                throw RelayError(.versionConflict, "a record changed since this device last saw it; merge conflict.records and retry",
                                 conflict: .obj(["records": .array(conflicts.map(\.json))]))
            }
            try Self.checkHead(head, account: acct)
            if let claim = head.claim {
                // The set after the write, by metadata only [SYN-26].
                var set: [RecordID: RecordHeader] = [:]
                for row in try await Self.rows(conn, """
                    SELECT record_id, kind, version, epoch, deleted FROM record WHERE account_id = \(Self.bin(account.bytes))
                    """, self.logger) {
                    let id = try row.recordID("record_id")
                    set[id] = try HeadAdmission.header(account: account, id: id, kind: try row.int("kind"), version: try row.text("version"),
                                                       epoch: try row.int("epoch"), deleted: try row.bool("deleted"))
                }
                for w in writes {
                    set[w.recordID] = try HeadAdmission.header(account: account, id: w.recordID, kind: w.kind, version: w.version,
                                                               epoch: w.epoch, deleted: w.deleted)
                }
                try HeadAdmission.check(claim, accountEpoch: epoch, set: Array(set.values))
            }
            let added = Int64(writes.filter { current[$0.recordID] == nil }.count)
            let bytesDelta = writes.reduce(Int64(0)) { $0 + Int64($1.sealed.count) - Int64(current[$1.recordID]?.sealed.count ?? 0) }
            let count = try acct.int("record_count"), bytes = try acct.int("record_bytes")
            if added > 0, count + added > quotas.maxRecords {
                throw RelayError.quota("records", limit: quotas.maxRecords, used: count,
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }
            if bytesDelta > 0, bytes + bytesDelta > quotas.maxRecordBytes {
                throw RelayError.quota("record_bytes", limit: quotas.maxRecordBytes, used: bytes,
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }
            let first = try acct.int("latest_seq") + 1
            let seqs = writes.indices.map { first + Int64($0) }
            let seq = first + Int64(writes.count) - 1
            if !writes.isEmpty {
                // The whole batch in one statement: one round trip for 500 writes.
                try await conn.query("""
                    INSERT INTO record (account_id, record_id, kind, version, epoch, deleted, sealed, seq)
                    SELECT \(Self.bin(account.bytes)), w.record_id, w.kind, w.version, w.epoch, w.deleted, w.sealed, w.seq
                    FROM unnest(\(writes.map { Self.bin($0.recordID.bytes) })::bytea[], \(writes.map(\.kind))::bigint[],
                                \(writes.map(\.version))::text[], \(writes.map(\.epoch))::bigint[], \(writes.map(\.deleted))::boolean[],
                                \(writes.map { Self.bin($0.sealed) })::bytea[], \(seqs)::bigint[])
                         AS w(record_id, kind, version, epoch, deleted, sealed, seq)
                    ON CONFLICT (account_id, record_id) DO UPDATE SET kind = excluded.kind, version = excluded.version,
                        epoch = excluded.epoch, deleted = excluded.deleted, sealed = excluded.sealed, seq = excluded.seq
                    """, logger: self.logger)
            }
            try await conn.query("""
                UPDATE account SET latest_seq = \(seq), record_count = record_count + \(added), record_bytes = record_bytes + \(bytesDelta),
                    head_counter = \(head.counter), head_device = \(Self.bin(device.bytes)), head_bytes = \(Self.bin(head.head)),
                    head_seq = \(seq) WHERE id = \(Self.bin(account.bytes))
                """, logger: self.logger)
            try await self.notify(conn, [.records(account: account, seq: seq, except: device)])
            return PushOutcome(seq: seq, epoch: epoch, records: zip(writes.map(\.recordID), seqs).map { ($0, $1) })
        }
    }

    /// `head_conflict` unless the head is a valid compare-and-swap on the stored counter.
    static func checkHead(_ head: HeadWrite, account: PGRow) throws {
        let stored = try account.optionalInt("head_counter")
        guard head.expectedCounter == stored && head.counter == (stored ?? 0) + 1 else {
            throw RelayError(.headConflict, "another device pushed first; pull after your seq, merge and retry",
                             conflict: .obj(["head": try Self.head(account)?.json ?? .null, "latest_seq": .int(try account.int("latest_seq"))]))
        }
    }

    public func grant(account: AccountID, recipient: GrantRecipient) async throws -> (epoch: Int64, sealed: [UInt8])? {
        let rows = try await client.query("""
            SELECT g.epoch, g.sealed FROM account_grant g JOIN account a ON a.id = g.account_id
            WHERE g.account_id = \(Self.bin(account.bytes)) AND g.recipient = \(recipient.text) AND g.epoch = a.epoch
            """, logger: logger).collect()
        guard let row = rows.first.map({ PGRow($0.makeRandomAccess()) }) else { return nil }
        return (try row.int("epoch"), try row.bytes("sealed"))
    }

    public func putGrants(account: AccountID, device: DeviceID, epoch: Int64, grants: [GrantEntry], nowMs: Int64) async throws {
        try await transaction { conn in
            let acct = try await self.lockAccount(conn, account, activeDevice: device)
            try SQLiteRelayStore.checkEpoch([epoch], account: try acct.int("epoch"))
            for grant in grants {
                guard case .device(let recipient) = grant.recipient else {
                    throw RelayError.malformed("grants to recovery or passphrase change only by rotation")
                }
                let status = try await Self.rows(conn, """
                    SELECT status FROM device WHERE id = \(Self.bin(recipient.bytes)) AND account_id = \(Self.bin(account.bytes))
                    """, self.logger).first?.text("status")
                guard status == DeviceStatus.active.rawValue else {
                    throw RelayError.malformed("grant recipient \(recipient.hex) is not an active device of this account")
                }
                try await Self.putGrant(conn, account: account, grant: grant, epoch: epoch, self.logger)
            }
        }
    }

    static func putGrant(_ conn: PostgresConnection, account: AccountID, grant: GrantEntry, epoch: Int64, _ logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO account_grant (account_id, recipient, epoch, sealed)
            VALUES (\(bin(account.bytes)), \(grant.recipient.text), \(epoch), \(bin(grant.sealed)))
            ON CONFLICT (account_id, recipient) DO UPDATE SET epoch = excluded.epoch, sealed = excluded.sealed
            """, logger: logger)
    }
}

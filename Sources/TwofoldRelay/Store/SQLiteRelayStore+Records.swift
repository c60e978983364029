import Foundation
import GRDB
import TwofoldProtocol

extension SQLiteRelayStore {
    public func pull(account: AccountID, after: Int64, limit: Int, maxBytes: Int) async throws -> RecordPage {
        // One read transaction: the page, latest_seq and the head agree [API-18]. Rows are
        // read one at a time and the page ends at its byte budget, so a pull holds at most
        // one page's worth of records however large the account's are.
        try await pool.read { db in
            let acct = try self.accountRow(db, account)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT record_id, kind, version, epoch, deleted, sealed, seq FROM record
                WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?
                """), arguments: [Data(account.bytes), after, limit + 1])
            var budget = PageBudget(limit: limit, maxBytes: maxBytes)
            var records: [StoredRecord] = []
            var more = false
            while let row = try rows.next() {
                let record = try Self.record(row)
                guard budget.admit(record) else { more = true; break }
                records.append(record)
            }
            return RecordPage(records: records, latestSeq: acct["latest_seq"], more: more, epoch: acct["epoch"],
                              head: more ? nil : try Self.head(acct))
        }
    }

    static func record(_ row: Row) throws -> StoredRecord {
        StoredRecord(recordID: try row.recordID("record_id"), kind: row["kind"], version: row["version"],
                     epoch: row["epoch"], deleted: row["deleted"], sealed: row.bytes("sealed"), seq: row["seq"])
    }

    static func head(_ account: Row) throws -> StoredHead? {
        guard let counter = account["head_counter"] as Int64? else { return nil }
        return StoredHead(counter: counter, deviceID: try account.deviceID("head_device"),
                          head: account.bytes("head_bytes"), seq: account["head_seq"])
    }

    public func head(account: AccountID) async throws -> StoredHead? {
        try await pool.read { db in try Self.head(try self.accountRow(db, account)) }
    }

    public func push(account: AccountID, device: DeviceID, writes: [RecordWrite], head: HeadWrite,
                     quotas: StoreQuotas, nowMs: Int64) async throws -> PushOutcome {
        try await pool.write { db in
            // All checks, then all writes, in one transaction: all or nothing [API-19].
            try self.requireActive(db, device: device, account: account)
            let acct = try self.accountRow(db, account)
            let epoch: Int64 = acct["epoch"]
            try Self.checkEpoch(writes.map(\.epoch), account: epoch)
            var conflicts: [StoredRecord] = []
            var current: [RecordID: StoredRecord] = [:]
            for write in writes {
                let stored = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT record_id, kind, version, epoch, deleted, sealed, seq FROM record
                    WHERE account_id = ? AND record_id = ?
                    """), arguments: [Data(account.bytes), Data(write.recordID.bytes)]).map(Self.record)
                guard let stored else { continue }
                try RecordAdmission.checkKind(write, stored: stored.kind)
                current[write.recordID] = stored
                if stored.version != write.expectedVersion { conflicts.append(stored) }
            }
            let mismatched = writes.contains { current[$0.recordID]?.version != $0.expectedVersion }
            if mismatched {
                throw RelayError(.versionConflict, "a record changed since this device last saw it; merge conflict.records and retry",
                                 conflict: .obj(["records": .array(conflicts.map(\.json))]))
            }
            try Self.checkHead(head, account: acct)
            if let claim = head.claim {
                // The set after the write, by metadata only [SYN-26].
                var set: [RecordID: RecordHeader] = [:]
                for row in try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT record_id, kind, version, epoch, deleted FROM record WHERE account_id = ?
                    """), arguments: [Data(account.bytes)]) {
                    let id = try row.recordID("record_id")
                    set[id] = try HeadAdmission.header(account: account, id: id, kind: row["kind"], version: row["version"],
                                                       epoch: row["epoch"], deleted: row["deleted"])
                }
                for w in writes {
                    set[w.recordID] = try HeadAdmission.header(account: account, id: w.recordID, kind: w.kind, version: w.version,
                                                               epoch: w.epoch, deleted: w.deleted)
                }
                try HeadAdmission.check(claim, accountEpoch: epoch, set: Array(set.values))
            }
            let added = Int64(writes.filter { current[$0.recordID] == nil }.count)
            let bytesDelta = writes.reduce(Int64(0)) { $0 + Int64($1.sealed.count) - Int64(current[$1.recordID]?.sealed.count ?? 0) }
            let count: Int64 = acct["record_count"], bytes: Int64 = acct["record_bytes"]
            if added > 0, count + added > quotas.maxRecords {
                throw RelayError.quota("records", limit: quotas.maxRecords, used: count,
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }
            if bytesDelta > 0, bytes + bytesDelta > quotas.maxRecordBytes {
                throw RelayError.quota("record_bytes", limit: quotas.maxRecordBytes, used: bytes,
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }
            var seq: Int64 = acct["latest_seq"]
            var assigned: [(RecordID, Int64)] = []
            for write in writes {
                seq += 1
                try db.cachedStatement(sql: """
                    INSERT INTO record (account_id, record_id, kind, version, epoch, deleted, sealed, seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, record_id) DO UPDATE SET kind = excluded.kind, version = excluded.version,
                        epoch = excluded.epoch, deleted = excluded.deleted, sealed = excluded.sealed, seq = excluded.seq
                    """).execute(arguments: [Data(account.bytes), Data(write.recordID.bytes), write.kind, write.version, write.epoch,
                                     write.deleted, Data(write.sealed), seq])
                assigned.append((write.recordID, seq))
            }
            try db.cachedStatement(sql: """
                UPDATE account SET latest_seq = ?, record_count = record_count + ?, record_bytes = record_bytes + ?,
                    head_counter = ?, head_device = ?, head_bytes = ?, head_seq = ? WHERE id = ?
                """).execute(arguments: [seq, added, bytesDelta, head.counter, Data(device.bytes), Data(head.head), seq,
                                 Data(account.bytes)])
            return PushOutcome(seq: seq, epoch: epoch, records: assigned)
        }
    }

    /// `epoch_mismatch` unless every epoch is the account's.
    static func checkEpoch(_ epochs: [Int64], account epoch: Int64) throws {
        guard epochs.allSatisfy({ $0 == epoch }) else {
            // A write ahead of the account is not "the account moved": say which it is.
            let ahead = epochs.first { $0 > epoch }
            let message = ahead.map { "a write is sealed at epoch \($0) but the account is at epoch \(epoch); pull, re-seal at epoch \(epoch) and retry" }
                ?? "the account moved to epoch \(epoch); fetch GET /v1/grant, re-seal and retry"
            throw RelayError(.epochMismatch, message,
                             details: [.init("epoch", .int(epoch))], conflict: .obj(["epoch": .int(epoch)]))
        }
    }

    /// `head_conflict` unless the head is a valid compare-and-swap on the stored counter.
    static func checkHead(_ head: HeadWrite, account: Row) throws {
        let stored = account["head_counter"] as Int64?
        let valid = head.expectedCounter == stored && head.counter == (stored ?? 0) + 1
        guard valid else {
            let storedHead = try Self.head(account)
            throw RelayError(.headConflict, "another device pushed first; pull after your seq, merge and retry",
                             conflict: .obj(["head": storedHead?.json ?? .null, "latest_seq": .int(account["latest_seq"])]))
        }
    }

    public func grant(account: AccountID, recipient: GrantRecipient) async throws -> (epoch: Int64, sealed: [UInt8])? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT g.epoch, g.sealed FROM account_grant g JOIN account a ON a.id = g.account_id
                WHERE g.account_id = ? AND g.recipient = ? AND g.epoch = a.epoch
                """, arguments: [Data(account.bytes), recipient.text]) else { return nil }
            return (row["epoch"], row.bytes("sealed"))
        }
    }

    public func putGrants(account: AccountID, device: DeviceID, epoch: Int64, grants: [GrantEntry], nowMs: Int64) async throws {
        try await pool.write { db in
            try self.requireActive(db, device: device, account: account)
            let acct = try self.accountRow(db, account)
            try Self.checkEpoch([epoch], account: acct["epoch"])
            for grant in grants {
                guard case .device(let recipient) = grant.recipient else {
                    throw RelayError.malformed("grants to recovery or passphrase change only by rotation")
                }
                let active = try String.fetchOne(db, sql: "SELECT status FROM device WHERE id = ? AND account_id = ?",
                                                 arguments: [Data(recipient.bytes), Data(account.bytes)]) == "active"
                guard active else {
                    throw RelayError.malformed("grant recipient \(recipient.hex) is not an active device of this account")
                }
                try Self.putGrant(db, account: account, grant: grant, epoch: epoch)
            }
        }
    }
}

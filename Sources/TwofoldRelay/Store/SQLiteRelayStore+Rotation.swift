import Foundation
import GRDB
import TwofoldProtocol

extension SQLiteRelayStore {
    public func rotate(account: AccountID, device: DeviceID, rotation: Rotation, quotas: StoreQuotas,
                       nowMs: Int64) async throws -> (outcome: PushOutcome, revoked: [DeviceID]) {
        try await pool.write { db in
            // Every check first, then every change, in one transaction [API-22].
            try self.requireActive(db, device: device, account: account)
            let acct = try self.accountRow(db, account)
            let epoch: Int64 = acct["epoch"]
            let latestSeq: Int64 = acct["latest_seq"]
            guard rotation.fromEpoch == epoch else {
                throw RelayError(.rotationConflict, "the account is at epoch \(epoch), not \(rotation.fromEpoch); pull and build the rotation again",
                                 conflict: .obj(["epoch": .int(epoch), "latest_seq": .int(latestSeq)]))
            }
            let stored = try Row.fetchAll(db, sql: """
                SELECT record_id, kind, version, deleted, length(sealed) AS size FROM record WHERE account_id = ?
                """, arguments: [Data(account.bytes)])
            var versions: [RecordID: String] = [:]
            for row in stored { versions[try row.recordID("record_id")] = row["version"] }
            var named = Set<RecordID>()
            let complete = rotation.records.count == versions.count && rotation.records.allSatisfy { r in
                named.insert(r.recordID).inserted && versions[r.recordID] == r.version
            }
            guard complete else {
                throw RelayError(.rotationConflict, "the rotation does not name every record at its stored version; pull and build it again",
                                 conflict: .obj(["epoch": .int(epoch), "latest_seq": .int(latestSeq)]))
            }
            let devices = try Row.fetchAll(db, sql: "SELECT id, status FROM device WHERE account_id = ?", arguments: [Data(account.bytes)])
            var active = Set<DeviceID>(), known = Set<DeviceID>()
            for row in devices {
                let id = try row.deviceID("id")
                known.insert(id)
                if row["status"] as String == DeviceStatus.active.rawValue { active.insert(id) }
            }
            for id in rotation.revoke where !known.contains(id) {
                throw RelayError.malformed("revoke names \(id.hex), which is not a device of this account")
            }
            let remaining = active.subtracting(rotation.revoke)
            let passphraseAfter: Bool
            switch rotation.passphrase {
            case .keep: passphraseAfter = acct["passphrase_sign_key"] as Data? != nil
            case .remove: passphraseAfter = false
            case .set: passphraseAfter = true
            }
            var expected = Set(remaining.map { GrantRecipient.device($0) })
            expected.insert(.recovery)
            if passphraseAfter { expected.insert(.passphrase) }
            let given = rotation.grants.map(\.recipient)
            guard Set(given) == expected, given.count == expected.count else {
                throw RelayError.malformed("grants must cover exactly the devices that stay active, recovery\(passphraseAfter ? " and passphrase" : ""), once each")
            }
            try Self.checkHead(rotation.head, account: acct)
            if let claim = rotation.head.claim {
                // The set after the rotation: every record at its version, at the new epoch [SYN-26].
                let set = try stored.map { row in
                    try HeadAdmission.header(account: account, id: try row.recordID("record_id"), kind: row["kind"], version: row["version"],
                                             epoch: rotation.toEpoch, deleted: row["deleted"])
                }
                try HeadAdmission.check(claim, accountEpoch: rotation.toEpoch, set: set)
            }
            let newBytes = rotation.records.reduce(Int64(0)) { $0 + Int64($1.sealed.count) }
            if newBytes > quotas.maxRecordBytes {
                throw RelayError.quota("record_bytes", limit: quotas.maxRecordBytes, used: acct["record_bytes"],
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }

            for id in rotation.revoke where active.contains(id) {
                try db.execute(sql: "UPDATE device SET status = 'revoked', revoked_at_ms = ? WHERE id = ?",
                               arguments: [nowMs, Data(id.bytes)])
            }
            var seq = latestSeq
            var assigned: [(RecordID, Int64)] = []
            for record in rotation.records {
                seq += 1
                try db.execute(sql: "UPDATE record SET epoch = ?, sealed = ?, seq = ? WHERE account_id = ? AND record_id = ?",
                               arguments: [rotation.toEpoch, Data(record.sealed), seq, Data(account.bytes), Data(record.recordID.bytes)])
                assigned.append((record.recordID, seq))
            }
            try db.execute(sql: "DELETE FROM account_grant WHERE account_id = ?", arguments: [Data(account.bytes)])
            for grant in rotation.grants {
                try Self.putGrant(db, account: account, grant: grant, epoch: rotation.toEpoch)
            }
            if let recovery = rotation.recovery {
                try db.execute(sql: "UPDATE account SET recovery_sign_key = ?, recovery_box_key = ? WHERE id = ?",
                               arguments: [Data(recovery.signKey), Data(recovery.boxKey), Data(account.bytes)])
            }
            switch rotation.passphrase {
            case .keep: break
            case .remove:
                try db.execute(sql: """
                    UPDATE account SET passphrase_sign_key = NULL, passphrase_box_key = NULL, passphrase_salt = NULL,
                        passphrase_ops = NULL, passphrase_mem = NULL WHERE id = ?
                    """, arguments: [Data(account.bytes)])
            case .set(let p):
                try db.execute(sql: """
                    UPDATE account SET passphrase_sign_key = ?, passphrase_box_key = ?, passphrase_salt = ?,
                        passphrase_ops = ?, passphrase_mem = ? WHERE id = ?
                    """, arguments: [Data(p.keys.signKey), Data(p.keys.boxKey), Data(p.salt), p.opsLimit, p.memLimit,
                                     Data(account.bytes)])
            }
            try db.execute(sql: """
                UPDATE account SET epoch = ?, latest_seq = ?, record_bytes = ?, head_counter = ?, head_device = ?,
                    head_bytes = ?, head_seq = ? WHERE id = ?
                """, arguments: [rotation.toEpoch, seq, newBytes, rotation.head.counter, Data(device.bytes),
                                 Data(rotation.head.head), seq, Data(account.bytes)])
            let revoked = rotation.revoke.filter { active.contains($0) }
            return (PushOutcome(seq: seq, epoch: rotation.toEpoch, records: assigned), revoked)
        }
    }
}

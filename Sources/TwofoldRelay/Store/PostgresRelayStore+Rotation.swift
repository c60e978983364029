import Foundation
import PostgresNIO
import TwofoldProtocol

extension PostgresRelayStore {
    public func rotate(account: AccountID, device: DeviceID, rotation: Rotation, quotas: StoreQuotas,
                       nowMs: Int64) async throws -> (outcome: PushOutcome, revoked: [DeviceID]) {
        try await transaction { conn in
            // Every check first, then every change, in one transaction under the account's
            // row lock [API-22]: no push, grant or link reply of any replica interleaves.
            let acct = try await self.lockAccount(conn, account, activeDevice: device)
            let accountID = Self.bin(account.bytes)
            let epoch = try acct.int("epoch")
            let latestSeq = try acct.int("latest_seq")
            guard rotation.fromEpoch == epoch else {
                throw RelayError(.rotationConflict, "the account is at epoch \(epoch), not \(rotation.fromEpoch); pull and build the rotation again",
                                 conflict: .obj(["epoch": .int(epoch), "latest_seq": .int(latestSeq)]))
            }
            var versions: [RecordID: String] = [:]
            var after: [RecordHeader] = []
            for row in try await Self.rows(conn, "SELECT record_id, kind, version, deleted FROM record WHERE account_id = \(accountID)", self.logger) {
                let id = try row.recordID("record_id"), version = try row.text("version")
                versions[id] = version
                if rotation.head.claim != nil {
                    after.append(try HeadAdmission.header(account: account, id: id, kind: try row.int("kind"), version: version,
                                                          epoch: rotation.toEpoch, deleted: try row.bool("deleted")))
                }
            }
            var named = Set<RecordID>()
            let complete = rotation.records.count == versions.count && rotation.records.allSatisfy { r in
                named.insert(r.recordID).inserted && versions[r.recordID] == r.version
            }
            guard complete else {
                throw RelayError(.rotationConflict, "the rotation does not name every record at its stored version; pull and build it again",
                                 conflict: .obj(["epoch": .int(epoch), "latest_seq": .int(latestSeq)]))
            }
            var active = Set<DeviceID>(), known = Set<DeviceID>()
            for row in try await Self.rows(conn, "SELECT id, status FROM device WHERE account_id = \(accountID)", self.logger) {
                let id = try row.deviceID("id")
                known.insert(id)
                if try row.text("status") == DeviceStatus.active.rawValue { active.insert(id) }
            }
            for id in rotation.revoke where !known.contains(id) {
                throw RelayError.malformed("revoke names \(id.hex), which is not a device of this account")
            }
            let remaining = active.subtracting(rotation.revoke)
            let passphraseAfter: Bool
            switch rotation.passphrase {
            case .keep: passphraseAfter = try acct.optionalBytes("passphrase_sign_key") != nil
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
            // The set after the rotation: every record at its version, at the new epoch [SYN-26].
            if let claim = rotation.head.claim { try HeadAdmission.check(claim, accountEpoch: rotation.toEpoch, set: after) }
            let newBytes = rotation.records.reduce(Int64(0)) { $0 + Int64($1.sealed.count) }
            if newBytes > quotas.maxRecordBytes {
                throw RelayError.quota("record_bytes", limit: quotas.maxRecordBytes, used: try acct.int("record_bytes"),
                                       advice: "delete tokens on a device, or ask the relay's admin to raise the limit")
            }

            let revoked = rotation.revoke.filter { active.contains($0) }
            if !revoked.isEmpty {
                try await conn.query("""
                    UPDATE device SET status = 'revoked', revoked_at_ms = \(nowMs)
                    WHERE account_id = \(accountID) AND id = ANY(\(revoked.map { Self.bin($0.bytes) })::bytea[])
                    """, logger: self.logger)
            }
            let seqs = rotation.records.indices.map { latestSeq + 1 + Int64($0) }
            let seq = latestSeq + Int64(rotation.records.count)
            if !rotation.records.isEmpty {
                // Every record re-sealed in one statement, seqs in request order.
                try await conn.query("""
                    UPDATE record r SET epoch = \(rotation.toEpoch), sealed = u.sealed, seq = u.seq
                    FROM unnest(\(rotation.records.map { Self.bin($0.recordID.bytes) })::bytea[],
                                \(rotation.records.map { Self.bin($0.sealed) })::bytea[], \(seqs)::bigint[]) AS u(record_id, sealed, seq)
                    WHERE r.account_id = \(accountID) AND r.record_id = u.record_id
                    """, logger: self.logger)
            }
            try await conn.query("DELETE FROM account_grant WHERE account_id = \(accountID)", logger: self.logger)
            for grant in rotation.grants {
                try await Self.putGrant(conn, account: account, grant: grant, epoch: rotation.toEpoch, self.logger)
            }
            if let recovery = rotation.recovery {
                try await conn.query("""
                    UPDATE account SET recovery_sign_key = \(Self.bin(recovery.signKey)), recovery_box_key = \(Self.bin(recovery.boxKey))
                    WHERE id = \(accountID)
                    """, logger: self.logger)
            }
            switch rotation.passphrase {
            case .keep: break
            case .remove:
                try await conn.query("""
                    UPDATE account SET passphrase_sign_key = NULL, passphrase_box_key = NULL, passphrase_salt = NULL,
                        passphrase_ops = NULL, passphrase_mem = NULL WHERE id = \(accountID)
                    """, logger: self.logger)
            case .set(let p):
                try await conn.query("""
                    UPDATE account SET passphrase_sign_key = \(Self.bin(p.keys.signKey)), passphrase_box_key = \(Self.bin(p.keys.boxKey)),
                        passphrase_salt = \(Self.bin(p.salt)), passphrase_ops = \(p.opsLimit), passphrase_mem = \(p.memLimit)
                    WHERE id = \(accountID)
                    """, logger: self.logger)
            }
            try await conn.query("""
                UPDATE account SET epoch = \(rotation.toEpoch), latest_seq = \(seq), record_bytes = \(newBytes),
                    head_counter = \(rotation.head.counter), head_device = \(Self.bin(device.bytes)),
                    head_bytes = \(Self.bin(rotation.head.head)), head_seq = \(seq) WHERE id = \(accountID)
                """, logger: self.logger)
            // Other replicas: revoked devices refused and their streams closed, every other
            // stream told of the new epoch and seq — delivered when this commits [API-12].
            try await self.notify(conn, [.revoked(account: account, devices: revoked),
                                         .epoch(account: account, epoch: rotation.toEpoch, except: device),
                                         .records(account: account, seq: seq, except: device)])
            return (PushOutcome(seq: seq, epoch: rotation.toEpoch, records: zip(rotation.records.map(\.recordID), seqs).map { ($0, $1) }),
                    revoked)
        }
    }
}

import Foundation
import GRDB
import TwofoldProtocol

extension SQLiteRelayStore {
    public func takeRecoveryTokens(_ buckets: [(key: String, rule: RateLimiter.Rule)], nowMs: Int64) async throws -> Int? {
        // Counted in the store so the limit on guessing holds across replicas [API-28].
        try await pool.write { db in
            var taken: [(String, TokenBucket)] = []
            var wait = 0
            for (key, rule) in buckets {
                var bucket = TokenBucket(ratePerSecond: rule.ratePerSecond, burst: rule.burst, nowMs: nowMs)
                if let row = try Row.fetchOne(db, sql: "SELECT tokens, updated_ms FROM rate_bucket WHERE key = ?", arguments: [key]) {
                    bucket.restore(tokens: row["tokens"], updatedMs: row["updated_ms"])
                }
                bucket.refill(nowMs: nowMs)
                if !bucket.hasToken { wait = max(wait, bucket.secondsUntilToken) }
                taken.append((key, bucket))
            }
            if wait > 0 { return wait }
            for (key, var bucket) in taken {
                _ = bucket.take(nowMs: nowMs)
                try db.execute(sql: """
                    INSERT INTO rate_bucket (key, tokens, updated_ms) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms
                    """, arguments: [key, bucket.tokens, nowMs])
            }
            return nil
        }
    }

    public func claimRecovery(kind: AuthMessage.RecoveryKeyKind, publicKey: [UInt8], accountID: AccountID?,
                              device: DeviceKeys, nowMs: Int64) async throws -> RecoveryGrant {
        try await pool.write { db in
            // Unknown account and a key that is not the account's: one answer [DEV-12].
            let failed = RelayError(.recoveryFailed, "the recovery words or passphrase do not match an account here; check them and try again")
            let row: Row?
            switch kind {
            case .recoveryKey:
                if let accountID {
                    row = try Row.fetchOne(db, sql: "SELECT id, epoch FROM account WHERE id = ? AND recovery_sign_key = ?",
                                           arguments: [Data(accountID.bytes), Data(publicKey)])
                } else {
                    row = try Row.fetchOne(db, sql: "SELECT id, epoch FROM account WHERE recovery_sign_key = ?", arguments: [Data(publicKey)])
                }
            case .passphrase:
                guard let accountID else { throw RelayError.malformed("field 'account_id' is required for a passphrase claim") }
                row = try Row.fetchOne(db, sql: "SELECT id, epoch FROM account WHERE id = ? AND passphrase_sign_key = ?",
                                       arguments: [Data(accountID.bytes), Data(publicKey)])
            }
            guard let row else { throw failed }
            let account = try row.accountID("id")
            let epoch: Int64 = row["epoch"]
            let recipient: GrantRecipient = kind == .recoveryKey ? .recovery : .passphrase
            guard let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM account_grant WHERE account_id = ? AND recipient = ? AND epoch = ?",
                                                 arguments: [Data(account.bytes), recipient.text, epoch]) else { throw failed }
            try Self.requireNewDevice(db, device.deviceID)
            try Self.insertDevice(db, device, account: account, nowMs: nowMs)
            try db.execute(sql: "UPDATE device SET last_seen_ms = ? WHERE id = ?", arguments: [nowMs, Data(device.deviceID.bytes)])
            return RecoveryGrant(accountID: account, epoch: epoch, sealed: [UInt8](sealed))
        }
    }
}

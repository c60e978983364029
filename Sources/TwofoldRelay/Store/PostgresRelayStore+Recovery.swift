import Foundation
import PostgresNIO
import TwofoldProtocol

extension PostgresRelayStore {
    public func takeRecoveryTokens(_ buckets: [(key: String, rule: RateLimiter.Rule)], nowMs: Int64) async throws -> Int? {
        // Counted in the store so the limit on guessing holds across replicas [API-28]. Each
        // bucket key is held by a transaction-scoped advisory lock (taken in sorted order, so
        // two claims never deadlock), which also covers a bucket that has no row yet.
        try await transaction { conn in
            for key in Set(buckets.map(\.key)).sorted() {
                try await conn.query("SELECT pg_advisory_xact_lock(\(Self.bucketLockClass), hashtext(\(key)))", logger: self.logger)
            }
            var taken: [(String, TokenBucket)] = []
            var wait = 0
            for (key, rule) in buckets {
                var bucket = TokenBucket(ratePerSecond: rule.ratePerSecond, burst: rule.burst, nowMs: nowMs)
                if let row = try await Self.rows(conn, "SELECT tokens, updated_ms FROM rate_bucket WHERE key = \(key)", self.logger).first {
                    bucket.restore(tokens: try row.double("tokens"), updatedMs: try row.int("updated_ms"))
                }
                bucket.refill(nowMs: nowMs)
                if !bucket.hasToken { wait = max(wait, bucket.secondsUntilToken) }
                taken.append((key, bucket))
            }
            if wait > 0 { return wait }
            for (key, var bucket) in taken {
                _ = bucket.take(nowMs: nowMs)
                try await conn.query("""
                    INSERT INTO rate_bucket (key, tokens, updated_ms) VALUES (\(key), \(bucket.tokens), \(nowMs))
                    ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms
                    """, logger: self.logger)
            }
            return nil
        }
    }

    /// The first key of the two-key advisory locks on rate buckets (the second is the key's hash).
    static let bucketLockClass: Int32 = 0x7466_7262  // "tfrb"

    public func claimRecovery(kind: AuthMessage.RecoveryKeyKind, publicKey: [UInt8], accountID: AccountID?,
                              device: DeviceKeys, nowMs: Int64) async throws -> RecoveryGrant {
        do {
            return try await transaction { conn in
                // Unknown account and a key that is not the account's: one answer [DEV-12].
                let failed = RelayError(.recoveryFailed, "the recovery words or passphrase do not match an account here; check them and try again")
                let key = Self.bin(publicKey)
                let row: PGRow?
                // The account row is locked like any write to the account, so a rotation
                // cannot miss the device this claim adds.
                switch kind {
                case .recoveryKey:
                    if let accountID {
                        row = try await Self.rows(conn, """
                            SELECT id, epoch FROM account WHERE id = \(Self.bin(accountID.bytes)) AND recovery_sign_key = \(key) FOR UPDATE
                            """, self.logger).first
                    } else {
                        row = try await Self.rows(conn, "SELECT id, epoch FROM account WHERE recovery_sign_key = \(key) FOR UPDATE",
                                                  self.logger).first
                    }
                case .passphrase:
                    guard let accountID else { throw RelayError.malformed("field 'account_id' is required for a passphrase claim") }
                    row = try await Self.rows(conn, """
                        SELECT id, epoch FROM account WHERE id = \(Self.bin(accountID.bytes)) AND passphrase_sign_key = \(key) FOR UPDATE
                        """, self.logger).first
                }
                guard let row else { throw failed }
                let account = try row.accountID("id")
                let epoch = try row.int("epoch")
                let recipient: GrantRecipient = kind == .recoveryKey ? .recovery : .passphrase
                guard let sealed = try await Self.rows(conn, """
                    SELECT sealed FROM account_grant
                    WHERE account_id = \(Self.bin(account.bytes)) AND recipient = \(recipient.text) AND epoch = \(epoch)
                    """, self.logger).first?.bytes("sealed") else { throw failed }
                try await Self.requireNewDevice(conn, device.deviceID, self.logger)
                try await Self.insertDevice(conn, device, account: account, nowMs: nowMs, self.logger)
                try await conn.query("UPDATE device SET last_seen_ms = \(nowMs) WHERE id = \(Self.bin(device.deviceID.bytes))",
                                     logger: self.logger)
                return RecoveryGrant(accountID: account, epoch: epoch, sealed: sealed)
            }
        } catch {
            throw Self.mapUnique(error)
        }
    }
}

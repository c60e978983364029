import Foundation
import PostgresNIO

extension PostgresRelayStore {
    /// One schema step. Never edit one that has shipped: append the next.
    struct Migration {
        /// Its name, recorded with its version (its 1-based place in ``migrations``).
        let name: String
        /// The oldest schema version whose relays can still run on a database that has this
        /// migration. A backward-compatible migration (new tables, new nullable columns, new
        /// indexes) keeps the previous value, so old replicas keep serving during a rolling
        /// upgrade (README, "Deployment"); only a breaking one raises it to its own version.
        let requires: Int64
        /// The statements, each ending in `;` and a line break, run in the migration's transaction.
        let sql: String
    }

    /// Named, append-only migrations. The schema mirrors ``SQLiteRelayStore``'s table by
    /// table and column by column (`twofold-relay copy` moves rows one for one).
    static let migrations: [Migration] = [
        Migration(name: "v1-relay-schema", requires: 1, sql: """
            CREATE TABLE relay_secret (
                name text PRIMARY KEY,
                value bytea NOT NULL CHECK (length(value) = 32)
            );
            CREATE TABLE account (
                id bytea PRIMARY KEY CHECK (length(id) = 16),
                epoch bigint NOT NULL CHECK (epoch >= 1),
                created_at_ms bigint NOT NULL,
                recovery_sign_key bytea NOT NULL UNIQUE,
                recovery_box_key bytea NOT NULL,
                passphrase_sign_key bytea,
                passphrase_box_key bytea,
                passphrase_salt bytea,
                passphrase_ops bigint,
                passphrase_mem bigint,
                latest_seq bigint NOT NULL DEFAULT 0,
                record_count bigint NOT NULL DEFAULT 0 CHECK (record_count >= 0),
                record_bytes bigint NOT NULL DEFAULT 0 CHECK (record_bytes >= 0),
                snapshot_count bigint NOT NULL DEFAULT 0 CHECK (snapshot_count >= 0),
                snapshot_bytes bigint NOT NULL DEFAULT 0 CHECK (snapshot_bytes >= 0),
                head_counter bigint,
                head_device bytea,
                head_bytes bytea,
                head_seq bigint
            );
            CREATE TABLE device (
                id bytea PRIMARY KEY CHECK (length(id) = 16),
                account_id bytea NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                sign_key bytea NOT NULL,
                box_key bytea NOT NULL,
                status text NOT NULL CHECK (status IN ('active', 'revoked')),
                created_at_ms bigint NOT NULL,
                revoked_at_ms bigint,
                last_seen_ms bigint
            );
            CREATE INDEX device_by_account ON device(account_id);
            CREATE TABLE record (
                account_id bytea NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                record_id bytea NOT NULL,
                kind bigint NOT NULL CHECK (kind IN (1, 2, 3)),
                version text NOT NULL,
                epoch bigint NOT NULL,
                deleted boolean NOT NULL,
                sealed bytea NOT NULL,
                seq bigint NOT NULL,
                PRIMARY KEY (account_id, record_id)
            );
            CREATE UNIQUE INDEX record_by_seq ON record(account_id, seq);
            CREATE TABLE account_grant (
                account_id bytea NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                recipient text NOT NULL,
                epoch bigint NOT NULL,
                sealed bytea NOT NULL,
                PRIMARY KEY (account_id, recipient)
            );
            CREATE TABLE snapshot (
                account_id bytea NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                id bytea NOT NULL,
                epoch bigint NOT NULL,
                created_at_ms bigint NOT NULL,
                uploaded_at_ms bigint NOT NULL,
                device_id bytea NOT NULL,
                size bigint NOT NULL,
                sealed bytea NOT NULL,
                PRIMARY KEY (account_id, id)
            );
            CREATE TABLE used_challenge (
                nonce bytea PRIMARY KEY,
                expires_at_ms bigint NOT NULL
            );
            CREATE TABLE invite (
                hash bytea PRIMARY KEY CHECK (length(hash) = 32),
                uses_left bigint NOT NULL,
                expires_at_ms bigint,
                created_at_ms bigint NOT NULL
            );
            CREATE TABLE mailbox (
                rendezvous_id bytea PRIMARY KEY CHECK (length(rendezvous_id) = 10),
                device_id bytea NOT NULL,
                sign_key bytea NOT NULL,
                box_key bytea NOT NULL,
                tag bytea NOT NULL,
                collect_hash bytea NOT NULL,
                expires_at_ms bigint NOT NULL,
                reply_account bytea,
                reply_epoch bigint,
                reply_grant bytea,
                reply_tag bytea,
                reply_from_device bytea,
                reply_from_sign_key bytea,
                reply_from_box_key bytea
            );
            CREATE INDEX mailbox_by_reply_account ON mailbox(reply_account);
            CREATE TABLE rate_bucket (
                key text PRIMARY KEY,
                tokens double precision NOT NULL,
                updated_ms bigint NOT NULL
            );
            CREATE TABLE deleted_account (
                id bytea PRIMARY KEY,
                deleted_at_ms bigint NOT NULL
            );
            """),
        // Admin labels and suspension (issue 15). Nullable columns: relays of version 1
        // keep serving during a rolling upgrade (they ignore a suspension until replaced).
        Migration(name: "v2-admin-labels", requires: 1, sql: """
            ALTER TABLE invite ADD COLUMN label text;
            ALTER TABLE account ADD COLUMN label text;
            ALTER TABLE account ADD COLUMN disabled_at_ms bigint;
            """),
    ]

    /// The advisory lock key that serialises migrations of replicas starting together
    /// (`pg_advisory_lock`, session level: held across the migrations' own transactions).
    static let migrationLockKey: Int64 = 0x7477_6f66_6f6c_6401  // "twofold" 0x01

    /// Applies the pending migrations, each in its own transaction, under the advisory lock.
    /// Refuses a database whose schema needs a newer relay.
    func migrate() async throws {
        try await client.withConnection { conn in
            try await conn.query("SELECT pg_advisory_lock(\(Self.migrationLockKey))", logger: self.logger)
            do {
                try await self.migrateLocked(conn)
                try await conn.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: self.logger)
            } catch {
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: self.logger)
                throw error
            }
        }
    }

    /// The schema version applied (`twofold-relay migrate` reports it).
    public func schemaVersion() async throws -> Int64 {
        try await client.withConnection { conn in try await self.schemaVersion(conn).version }
    }

    /// The schema version applied (0 for an empty database), and the version it requires.
    func schemaVersion(_ conn: PostgresConnection) async throws -> (version: Int64, requires: Int64) {
        try await conn.query("""
            CREATE TABLE IF NOT EXISTS relay_schema (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                requires bigint NOT NULL,
                applied_at_ms bigint NOT NULL
            )
            """, logger: logger)
        let row = try await Self.rows(conn, """
            SELECT coalesce(max(version), 0)::bigint AS version, coalesce(max(requires), 0)::bigint AS requires FROM relay_schema
            """, logger)[0]
        return (try row.int("version"), try row.int("requires"))
    }

    private func migrateLocked(_ conn: PostgresConnection) async throws {
        let (version, requires) = try await schemaVersion(conn)
        let known = Int64(Self.migrations.count)
        guard requires <= known else { throw PostgresStoreError.newerSchema(location: location.description, version: version) }
        guard version < known else { return }
        for (index, migration) in Self.migrations.enumerated() where Int64(index + 1) > version {
            let number = Int64(index + 1)
            try await conn.query("BEGIN", logger: logger)
            do {
                // The extended protocol takes one statement at a time.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = SystemRelayClock().nowMs
                try await conn.query("""
                    INSERT INTO relay_schema (version, name, requires, applied_at_ms)
                    VALUES (\(number), \(migration.name), \(migration.requires), \(now))
                    """, logger: logger)
                try await conn.query("COMMIT", logger: logger)
            } catch {
                _ = try? await conn.query("ROLLBACK", logger: logger)
                throw error
            }
            logger.notice("migrated the PostgreSQL store", metadata: ["version": "\(number)", "name": "\(migration.name)"])
        }
    }
}

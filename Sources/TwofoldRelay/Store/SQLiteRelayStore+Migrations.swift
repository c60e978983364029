import GRDB

extension SQLiteRelayStore {
    /// Named, append-only migrations, each in its own transaction. Never edit one that has
    /// shipped: add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-relay-schema") { db in
            try db.execute(sql: """
                CREATE TABLE relay_secret (
                    name TEXT PRIMARY KEY,
                    value BLOB NOT NULL CHECK (length(value) = 32)
                );
                CREATE TABLE account (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    created_at_ms INTEGER NOT NULL,
                    recovery_sign_key BLOB NOT NULL UNIQUE,
                    recovery_box_key BLOB NOT NULL,
                    passphrase_sign_key BLOB,
                    passphrase_box_key BLOB,
                    passphrase_salt BLOB,
                    passphrase_ops INTEGER,
                    passphrase_mem INTEGER,
                    latest_seq INTEGER NOT NULL DEFAULT 0,
                    record_count INTEGER NOT NULL DEFAULT 0 CHECK (record_count >= 0),
                    record_bytes INTEGER NOT NULL DEFAULT 0 CHECK (record_bytes >= 0),
                    snapshot_count INTEGER NOT NULL DEFAULT 0 CHECK (snapshot_count >= 0),
                    snapshot_bytes INTEGER NOT NULL DEFAULT 0 CHECK (snapshot_bytes >= 0),
                    head_counter INTEGER,
                    head_device BLOB,
                    head_bytes BLOB,
                    head_seq INTEGER
                );
                CREATE TABLE device (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16),
                    account_id BLOB NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    sign_key BLOB NOT NULL,
                    box_key BLOB NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
                    created_at_ms INTEGER NOT NULL,
                    revoked_at_ms INTEGER,
                    last_seen_ms INTEGER
                );
                CREATE INDEX device_by_account ON device(account_id);
                CREATE TABLE record (
                    account_id BLOB NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    record_id BLOB NOT NULL,
                    kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
                    version TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    sealed BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (account_id, record_id)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX record_by_seq ON record(account_id, seq);
                CREATE TABLE account_grant (
                    account_id BLOB NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    recipient TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    sealed BLOB NOT NULL,
                    PRIMARY KEY (account_id, recipient)
                ) WITHOUT ROWID;
                CREATE TABLE snapshot (
                    account_id BLOB NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    id BLOB NOT NULL,
                    epoch INTEGER NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    uploaded_at_ms INTEGER NOT NULL,
                    device_id BLOB NOT NULL,
                    size INTEGER NOT NULL,
                    sealed BLOB NOT NULL,
                    PRIMARY KEY (account_id, id)
                );
                CREATE TABLE used_challenge (
                    nonce BLOB PRIMARY KEY,
                    expires_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE invite (
                    hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
                    uses_left INTEGER NOT NULL,
                    expires_at_ms INTEGER,
                    created_at_ms INTEGER NOT NULL
                );
                CREATE TABLE mailbox (
                    rendezvous_id BLOB PRIMARY KEY CHECK (length(rendezvous_id) = 10),
                    device_id BLOB NOT NULL,
                    sign_key BLOB NOT NULL,
                    box_key BLOB NOT NULL,
                    tag BLOB NOT NULL,
                    collect_hash BLOB NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    reply_account BLOB,
                    reply_epoch INTEGER,
                    reply_grant BLOB,
                    reply_tag BLOB,
                    reply_from_device BLOB,
                    reply_from_sign_key BLOB,
                    reply_from_box_key BLOB
                );
                CREATE TABLE rate_bucket (
                    key TEXT PRIMARY KEY,
                    tokens REAL NOT NULL,
                    updated_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE deleted_account (
                    id BLOB PRIMARY KEY,
                    deleted_at_ms INTEGER NOT NULL
                );
                """)
        }
        // Admin labels and suspension (issue 15): nullable columns, so a store copied
        // before them reads as unlabelled and enabled.
        migrator.registerMigration("v2-admin-labels") { db in
            try db.execute(sql: """
                ALTER TABLE invite ADD COLUMN label TEXT;
                ALTER TABLE account ADD COLUMN label TEXT;
                ALTER TABLE account ADD COLUMN disabled_at_ms INTEGER;
                """)
        }
        return migrator
    }
}

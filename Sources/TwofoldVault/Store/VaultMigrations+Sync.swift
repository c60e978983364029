import GRDB

extension VaultMigrations {
    /// "v2-sync": what a device needs to sync through a relay (Protocol/sync.md,
    /// Protocol/devices.md). Invariants live in constraints, not in Swift.
    static func registerSync(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-sync") { db in
            try db.execute(sql: """
                -- Where this device syncs and how far it got. One row once the vault is attached.
                CREATE TABLE sync_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    relay_url TEXT NOT NULL CHECK (length(relay_url) > 0),
                    account_state TEXT NOT NULL CHECK (account_state IN ('creating', 'ready')),
                    last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
                    head BLOB CHECK (head IS NULL OR length(head) = 145),
                    last_sync_ms INTEGER,
                    last_error TEXT,
                    clock_offset_ms INTEGER,
                    -- The relay's access token and its expiry, so that a CLI run within its
                    -- 15 minutes does not sign in again. It is weaker than the signing key
                    -- kept beside it (relay-api.md, "Access tokens").
                    access_token TEXT,
                    access_token_expires_ms INTEGER,
                    -- The recovery key, wrapped, kept only until the relay has accepted the
                    -- account and the words were shown (Protocol/devices.md, "Creating an account").
                    pending_recovery BLOB,
                    CHECK (account_state = 'creating' OR pending_recovery IS NULL)
                ) STRICT;
                -- This device's own key pairs (Protocol/devices.md, "What a device holds").
                -- The Ed25519 secret is kept as is, so a locked daemon can sign in and sign
                -- heads; the X25519 secret, which opens grants, is wrapped (LocalSecretWrap).
                CREATE TABLE device_keys (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    sign_secret BLOB NOT NULL CHECK (length(sign_secret) = 64),
                    box_public BLOB NOT NULL CHECK (length(box_public) = 32),
                    box_wrapped BLOB NOT NULL CHECK (length(box_wrapped) = 73),
                    box_epoch INTEGER NOT NULL CHECK (box_epoch >= 1)
                ) STRICT;
                -- The relay's copy of each record as this device last saw it: the set a head's
                -- digest covers, and the expected_version of the next write. Every relay record
                -- has a local copy, written in the same transaction.
                CREATE TABLE relay_records (
                    id BLOB PRIMARY KEY REFERENCES records(id) CHECK (length(id) = 16),
                    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 255),
                    hlc INTEGER NOT NULL,
                    device BLOB NOT NULL CHECK (length(device) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    seq INTEGER NOT NULL CHECK (seq >= 1)
                ) STRICT, WITHOUT ROWID;
                -- Ed25519 keys of the roster's devices as last opened, so that a locked
                -- device can still check who signed a head (Protocol/sync.md, "Heads").
                CREATE TABLE roster_signers (
                    device_id BLOB PRIMARY KEY CHECK (length(device_id) = 16),
                    sign_key BLOB NOT NULL CHECK (length(sign_key) = 32)
                ) STRICT, WITHOUT ROWID;
                -- The outbox: every record whose local copy is not the relay's copy. It is
                -- derived, not written, so no write path can forget to enqueue a change, and
                -- it survives restarts with the records themselves.
                CREATE VIEW outbox AS
                    SELECT r.id, r.kind, r.hlc, r.device, r.epoch, r.deleted, r.sealed,
                           s.hlc AS relay_hlc, s.device AS relay_device
                    FROM records r LEFT JOIN relay_records s ON s.id = r.id
                    WHERE s.id IS NULL OR s.hlc != r.hlc OR s.device != r.device
                       OR s.epoch != r.epoch OR s.deleted != r.deleted;
                """)
        }
    }
}

import GRDB

/// The store's schema as named, append-only migrations (GRDB `DatabaseMigrator`).
///
/// Never edit a migration that has shipped: add a new one. A store that has applied a
/// migration this build does not know was written by a newer Twofold and is refused.
enum VaultMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-vault") { db in
            // One row of vault-wide state. Constraints, not Swift checks, keep it sane.
            try db.execute(sql: """
                CREATE TABLE vault (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    account_id BLOB NOT NULL CHECK (length(account_id) = 16),
                    device_id BLOB NOT NULL CHECK (length(device_id) = 16),
                    current_epoch INTEGER NOT NULL CHECK (current_epoch >= 1),
                    clock INTEGER NOT NULL,
                    protection TEXT NOT NULL CHECK (protection IN ('passphrase', 'keyfile')),
                    kdf_salt BLOB,
                    kdf_ops INTEGER,
                    kdf_mem INTEGER,
                    created_ms INTEGER NOT NULL,
                    CHECK ((protection = 'passphrase') = (kdf_salt IS NOT NULL AND kdf_ops IS NOT NULL AND kdf_mem IS NOT NULL))
                ) STRICT;
                -- This device's copies of each epoch's vault key, wrapped (Protocol/crypto.md, "Local at rest").
                CREATE TABLE vault_keys (
                    epoch INTEGER PRIMARY KEY CHECK (epoch >= 1),
                    wrapped BLOB NOT NULL
                ) STRICT;
                -- Records sealed exactly as on the relay (Protocol/crypto.md, "Sealed record").
                CREATE TABLE records (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16),
                    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 255),
                    hlc INTEGER NOT NULL,
                    device BLOB NOT NULL CHECK (length(device) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    sealed BLOB NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX records_by_kind ON records (kind);
                """)
        }
        registerSync(&migrator)
        registerLinking(&migrator)
        registerRotation(&migrator)
        registerUnverified(&migrator)
        registerConflicts(&migrator)
        registerBackupHolders(&migrator)
        return migrator
    }
}

import GRDB

extension VaultMigrations {
    /// "v7-backup-holders" (Protocol/crypto.md, "Backup file"; daemon.md, "Backups"): what a
    /// backup file needs besides the sealed records, kept so that a locked daemon can write
    /// one on its schedule: per holder (1 the recovery key, 2 the account passphrase) its
    /// X25519 public key from the roster and the epoch's vault key sealed to it (a grant),
    /// and for the passphrase the salt and cost the relay keeps. None of it is secret: the
    /// grants open only with the words or the passphrase. Rewritten whenever the vault is
    /// open with its key and the epoch or the roster changed.
    static func registerBackupHolders(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-backup-holders") { db in
            try db.execute(sql: """
                CREATE TABLE backup_holders (
                    kind INTEGER PRIMARY KEY CHECK (kind IN (1, 2)),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    roster_version TEXT NOT NULL,
                    box_key BLOB NOT NULL CHECK (length(box_key) = 32),
                    vk_grant BLOB NOT NULL,
                    salt BLOB CHECK (salt IS NULL OR length(salt) = 16),
                    ops_limit INTEGER,
                    mem_limit INTEGER,
                    CHECK ((salt IS NULL) = (ops_limit IS NULL) AND (salt IS NULL) = (mem_limit IS NULL)),
                    CHECK (kind = 2 OR salt IS NULL)
                ) STRICT;
                """)
        }
    }
}

import GRDB

extension VaultMigrations {
    /// "v4-rotation": a key rotation this device has prepared but not yet seen committed
    /// (Protocol/devices.md, "Revocation and key rotation", [DEV-13]).
    static func registerRotation(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-rotation") { db in
            try db.execute(sql: """
                -- At most one rotation in flight. Written before POST /v1/rotations is sent and
                -- deleted once its outcome is known, so a crash at any point is finished or
                -- rolled back on the next run (devices.md, "Interrupted").
                CREATE TABLE pending_rotation (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    from_epoch INTEGER NOT NULL CHECK (from_epoch >= 1),
                    to_epoch INTEGER NOT NULL CHECK (to_epoch = from_epoch + 1),
                    -- VK of to_epoch, wrapped by the local key like vault_keys.wrapped.
                    vault_key_wrapped BLOB NOT NULL CHECK (length(vault_key_wrapped) = 73),
                    -- The devices to revoke: 16-byte ids, concatenated.
                    revoke BLOB NOT NULL CHECK (length(revoke) % 16 = 0),
                    -- A new recovery key, wrapped under VK of to_epoch (LocalSecretWrap), kept
                    -- until the words were shown.
                    recovery_wrapped BLOB CHECK (recovery_wrapped IS NULL OR length(recovery_wrapped) = 73),
                    passphrase_change TEXT NOT NULL CHECK (passphrase_change IN ('keep', 'remove', 'set')),
                    passphrase_sign_key BLOB CHECK (passphrase_sign_key IS NULL OR length(passphrase_sign_key) = 32),
                    passphrase_box_key BLOB CHECK (passphrase_box_key IS NULL OR length(passphrase_box_key) = 32),
                    passphrase_salt BLOB CHECK (passphrase_salt IS NULL OR length(passphrase_salt) = 16),
                    passphrase_ops INTEGER,
                    passphrase_mem INTEGER,
                    -- The new passphrase's roster check value, wrapped under VK of to_epoch.
                    passphrase_check_wrapped BLOB CHECK (passphrase_check_wrapped IS NULL OR length(passphrase_check_wrapped) = 73),
                    created_ms INTEGER NOT NULL,
                    CHECK ((passphrase_change = 'set') = (passphrase_sign_key IS NOT NULL AND passphrase_box_key IS NOT NULL
                        AND passphrase_salt IS NOT NULL AND passphrase_ops IS NOT NULL AND passphrase_mem IS NOT NULL
                        AND passphrase_check_wrapped IS NOT NULL))
                ) STRICT;
                """)
        }
    }
}

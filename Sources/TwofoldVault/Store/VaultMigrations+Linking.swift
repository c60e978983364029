import GRDB

extension VaultMigrations {
    /// "v3-linking": an existing device's pending link (Protocol/devices.md, "Linking",
    /// step 6 and "Interrupted"), kept from the moment the offer tag checked until the
    /// reply reached the relay or the mailbox expired. One at a time.
    static func registerLinking(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-linking") { db in
            try db.execute(sql: """
                CREATE TABLE pending_link (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    rendezvous_id BLOB NOT NULL CHECK (length(rendezvous_id) = 10),
                    -- BLAKE2b-256 of the code: keys the reply tag. It lives at most the
                    -- mailbox's 10 minutes, beside the Ed25519 key that is kept as is.
                    link_key BLOB NOT NULL CHECK (length(link_key) = 32),
                    device_id BLOB NOT NULL CHECK (length(device_id) = 16),
                    sign_key BLOB NOT NULL CHECK (length(sign_key) = 32),
                    box_key BLOB NOT NULL CHECK (length(box_key) = 32),
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    expires_ms INTEGER NOT NULL,
                    created_ms INTEGER NOT NULL
                ) STRICT;
                """)
        }
    }
}

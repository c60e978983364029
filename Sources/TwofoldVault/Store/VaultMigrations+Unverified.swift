import GRDB

extension VaultMigrations {
    /// "v5-unverified": the records a locked pull merged without opening them (Protocol/sync.md,
    /// "Applying a pull", step 7). The next unlocked sync opens each; one that does not open
    /// is fetched again from the relay, so a copy the relay damaged while this device was
    /// locked is repaired once the relay serves the good one, instead of staying damaged.
    static func registerUnverified(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-unverified") { db in
            try db.execute(sql: """
                -- Ids only: the copy itself is the one in records. A row is removed once the
                -- local copy has been opened with VK, or replaced by a copy that was.
                CREATE TABLE unverified_records (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16)
                ) STRICT, WITHOUT ROWID;
                """)
        }
    }
}

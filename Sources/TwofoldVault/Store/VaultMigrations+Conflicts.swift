import GRDB

extension VaultMigrations {
    /// "v6-conflicts" (Protocol/sync.md, "Concurrent edits"):
    ///
    /// - `merge_bases`: for a token changed here and not yet pushed, the relay copy the
    ///   change was made from, sealed as stored. A newer relay copy is merged field by
    ///   field against it; the row goes once the change is the relay's copy.
    /// - `conflicts`: a local side a merge set aside, sealed as stored (the record the
    ///   local side was), with the fields that lost and who wrote the winning copy. A row
    ///   goes when the user settles it (`twofold conflicts resolve`).
    /// - `held_copies`: a newer relay copy a locked pull could not open while a local
    ///   change of the same token waits; the record is not pushed until an unlocked sync
    ///   merges the two.
    static func registerConflicts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-conflicts") { db in
            try db.execute(sql: """
                CREATE TABLE merge_bases (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16),
                    hlc INTEGER NOT NULL,
                    device BLOB NOT NULL CHECK (length(device) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    sealed BLOB NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE conflicts (
                    conflict_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    token_id BLOB NOT NULL CHECK (length(token_id) = 16),
                    fields TEXT NOT NULL,
                    hlc INTEGER NOT NULL,
                    device BLOB NOT NULL CHECK (length(device) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    sealed BLOB NOT NULL,
                    winner_hlc INTEGER NOT NULL,
                    winner_device BLOB NOT NULL CHECK (length(winner_device) = 16),
                    found_ms INTEGER NOT NULL
                ) STRICT;
                CREATE TABLE held_copies (
                    id BLOB PRIMARY KEY CHECK (length(id) = 16),
                    hlc INTEGER NOT NULL,
                    device BLOB NOT NULL CHECK (length(device) = 16),
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    sealed BLOB NOT NULL
                ) STRICT, WITHOUT ROWID;
                -- A record with a held relay copy waits: pushing it before the merge would
                -- overwrite the copy it has not seen.
                DROP VIEW outbox;
                CREATE VIEW outbox AS
                    SELECT r.id, r.kind, r.hlc, r.device, r.epoch, r.deleted, r.sealed,
                           s.hlc AS relay_hlc, s.device AS relay_device
                    FROM records r LEFT JOIN relay_records s ON s.id = r.id
                    WHERE (s.id IS NULL OR s.hlc != r.hlc OR s.device != r.device
                       OR s.epoch != r.epoch OR s.deleted != r.deleted)
                      AND r.id NOT IN (SELECT id FROM held_copies);
                """)
        }
    }
}

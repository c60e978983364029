import Foundation
import GRDB
import TwofoldProtocol

extension SyncStore {
    /// Opens, with `keyring`, each record a locked pull merged without opening it
    /// (Protocol/sync.md, "Applying a pull", step 7), and forgets every one whose local copy
    /// now opens (or was replaced, or is gone).
    ///
    /// Returns where the next pull must start so that the relay serves again the copies
    /// that do not open — the lowest of their relay seqs, minus one — or nil when there is
    /// nothing to fetch again. A copy sealed under an epoch whose key `keyring` lacks stays
    /// unverified and is not fetched again (the keyring is updated from the grant first).
    public func refetchPoint(keyring: VaultKeyring) throws -> UInt64? {
        let account = metadata.account
        // Almost always empty: read first, so a sync round takes no write lock for it.
        let any = try transaction(write: false) { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM unverified_records)") ?? false }
        guard any else { return nil }
        return try transaction(write: true) { db in
            let ids = try Data.fetchAll(db, sql: "SELECT id FROM unverified_records")
            let mirror = try VaultStore.fetchRelayHeaders(account: account, db)
            var lowest: UInt64?
            for data in ids {
                guard let id = try? RecordID(bytes: Array(data)),
                      let local = try VaultStore.fetchRecord(id: id, account: account, db) else {
                    try Self.forgetUnverified(data, db)
                    continue
                }
                guard keyring.key(local.header.epoch) != nil else { continue }
                if (try? keyring.open(local)) != nil {
                    try Self.forgetUnverified(data, db)
                    continue
                }
                // Damaged. Only the relay's own copy can be fetched again; a local copy the
                // relay does not hold stays as it is (and `list` reports it damaged).
                guard let relay = mirror[id], relay.header == local.header else { continue }
                lowest = min(lowest ?? relay.seq, relay.seq)
            }
            return lowest.map { $0 - 1 }
        }
    }

    /// Whether `id` was merged by a locked pull and not opened since.
    static func isUnverified(_ id: RecordID, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM unverified_records WHERE id = ?)", arguments: [Data(id.bytes)]) ?? false
    }

    /// Notes that the local copy of `id` was merged without being opened.
    static func markUnverified(_ id: RecordID, _ db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO unverified_records (id) VALUES (?)", arguments: [Data(id.bytes)])
    }

    /// Notes that the local copy of `id` was opened, or replaced by one that was.
    static func forgetUnverified(_ id: RecordID, _ db: Database) throws {
        try forgetUnverified(Data(id.bytes), db)
    }

    private static func forgetUnverified(_ id: Data, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM unverified_records WHERE id = ?", arguments: [id])
    }
}

import GRDB

extension SyncStore {
    /// SQLite's `PRAGMA data_version` on this store's connection: it changes whenever
    /// *another* connection (the CLI, another process) commits, and never for this
    /// connection's own writes. The daemon polls it to catch local changes made while it
    /// was not listening (Protocol/daemon.md, "Local changes"); one call costs microseconds.
    public func dataVersion() throws(VaultError) -> Int64 {
        try store.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

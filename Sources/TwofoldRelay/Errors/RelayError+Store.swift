import GRDB
import PostgresNIO

extension RelayError {
    /// The refusal for a store that cannot take a write for lack of resources: 503
    /// `unavailable` with `Retry-After`, naming the cause, instead of a 500 that calls it a
    /// relay bug (Protocol/relay-api.md, "Errors"; README, "Fault injection").
    ///
    /// - SQLite `SQLITE_FULL` and PostgreSQL `disk_full` (SQLSTATE 53100): the disk is full.
    /// - PostgreSQL's other "insufficient resources" errors (SQLSTATE class 53: out of
    ///   memory, too many connections, a configured limit): the server is short of them.
    ///
    /// Both stores raise these inside the write's transaction, which is then rolled back,
    /// so nothing was committed (a batch is all or nothing); the relay keeps serving reads
    /// and devices retry until the admin frees space. Errors whose outcome is unknown (a
    /// connection lost during `COMMIT`) are not mapped here: they stay 500s.
    static func storeFailure(_ error: any Error) -> RelayError? {
        if let database = error as? DatabaseError {
            return database.resultCode == .SQLITE_FULL ? storageFull : nil
        }
        guard let postgres = error as? PSQLError, let state = postgres.serverInfo?[.sqlState] else { return nil }
        if state == "53100" { return storageFull }
        guard state.hasPrefix("53") else { return nil }
        return RelayError(.unavailable, "the relay's database is short of resources (SQLSTATE \(state)), so nothing was written; retry after 5 s (its admin must look at the database server)",
                          retryAfterSeconds: 5)
    }

    /// What the relay's log says about an unexpected error: for PostgreSQL the SQLSTATE
    /// and the server's message, which PostgresNIO's own description hides ("Generic
    /// description to prevent accidental leakage"). The log is the admin's; the client
    /// never sees this [API-25].
    static func logDescription(_ error: any Error) -> String {
        guard let postgres = error as? PSQLError else { return "\(error)" }
        guard let info = postgres.serverInfo else { return "PostgreSQL \(postgres.code): \(PostgresRelayStore.reason(postgres))" }
        return "PostgreSQL SQLSTATE \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
    }

    /// A full disk, on either store.
    private static var storageFull: RelayError {
        RelayError(.unavailable, "the relay's storage is full, so nothing was written; retry after 5 s (its admin must free disk space)",
                   retryAfterSeconds: 5)
    }
}

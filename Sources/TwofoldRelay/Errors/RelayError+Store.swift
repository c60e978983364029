import GRDB

extension RelayError {
    /// The refusal for a store that cannot take a write because its disk is full (SQLite
    /// `SQLITE_FULL`): 503 `unavailable` with `Retry-After`, naming the cause, instead of a
    /// 500 that calls it a relay bug. Nothing was committed (a batch is all or nothing), the
    /// relay keeps serving reads, and devices retry until the admin frees space
    /// (Protocol/relay-api.md, "Errors"; README, "Fault injection").
    static func storeFailure(_ error: any Error) -> RelayError? {
        guard let database = error as? DatabaseError, database.resultCode == .SQLITE_FULL else { return nil }
        return RelayError(.unavailable, "the relay's storage is full, so nothing was written; retry after 5 s (its admin must free disk space)",
                          retryAfterSeconds: 5)
    }
}

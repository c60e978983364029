extension Syncer {
    /// Makes a roster change and syncs it; when another device wrote the roster at the
    /// same moment, the relay's new copy replaces this device's unpushed edit (Protocol/
    /// sync.md, "Applying a pull", [SYN-21]), so the change is made again from that copy,
    /// at most `attempts` times. Used by linking (step 7: add the new device), restoring
    /// (step 6: join) and undoing an expired link (remove the device again).
    ///
    /// - Parameters:
    ///   - change: writes the change into the vault's roster as it then is, and does
    ///     nothing when nothing is left to change.
    ///   - isDone: whether the roster, after a sync, holds the change.
    /// - Throws: ``SyncError/conflictsPersist(attempts:)`` when it never does.
    func changeRoster(attempts: Int = 3, clockOffset: @Sendable () async -> Int64? = { nil },
                      change: () throws -> Void, isDone: () throws -> Bool) async throws {
        for _ in 0..<attempts {
            try change()
            _ = try await run(clockOffset: clockOffset)
            if try isDone() { return }
        }
        throw SyncError.conflictsPersist(attempts: attempts)
    }
}

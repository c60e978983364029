import PostgresNIO

extension PostgresRelayStore {
    /// Queues `changes` on `twofold_events` inside the current transaction: PostgreSQL
    /// delivers them when, and only if, the transaction commits, in commit order, so another
    /// replica never hears of a write that rolled back nor of a later write before an earlier
    /// one [SYN-20]. One round trip for all of them.
    func notify(_ conn: PostgresConnection, _ changes: [RelayChange]) async throws {
        let payloads = changes.flatMap { $0.payloads(origin: origin) }
        guard !payloads.isEmpty else { return }
        try await conn.query("""
            SELECT pg_notify(\(RelayChange.channel), p) FROM unnest(\(payloads)::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n
            """, logger: logger)
    }
}

import Logging

/// Opens the store a configuration names: PostgreSQL for `--database postgres://…`, else
/// SQLite in the data directory (the zero-config default). Both migrate on open.
public func openRelayStore(_ configuration: RelayConfiguration, logger: Logger) async throws -> any RelayStore {
    if let postgres = configuration.postgres {
        return try await PostgresRelayStore.open(postgres, logger: logger)
    }
    return try SQLiteRelayStore(directory: configuration.dataDirectory)
}

/// Closes a store's connections (PostgreSQL); SQLite needs nothing.
public func closeRelayStore(_ store: any RelayStore) async {
    if let postgres = store as? PostgresRelayStore { await postgres.close() }
}

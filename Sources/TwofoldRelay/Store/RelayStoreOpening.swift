import Foundation
import Logging

/// Opens the store a configuration names: PostgreSQL for `--database postgres://…`, else
/// SQLite in the data directory (the zero-config default). Both migrate on open.
///
/// With `existingOnly` (the admin commands), a store that does not exist yet is refused
/// with ``RelayStoreError/noStore(_:)`` instead of created: an admin command pointed at
/// the wrong place must not make an empty relay whose invites the real one refuses.
public func openRelayStore(_ configuration: RelayConfiguration, logger: Logger, existingOnly: Bool = false) async throws -> any RelayStore {
    if let postgres = configuration.postgres {
        return try await PostgresRelayStore.open(postgres, logger: logger, existingOnly: existingOnly)
    }
    if existingOnly {
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(SQLiteRelayStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw RelayStoreError.noStore(path) }
    }
    return try SQLiteRelayStore(directory: configuration.dataDirectory)
}

/// Closes a store's connections (PostgreSQL); SQLite needs nothing.
public func closeRelayStore(_ store: any RelayStore) async {
    if let postgres = store as? PostgresRelayStore { await postgres.close() }
}

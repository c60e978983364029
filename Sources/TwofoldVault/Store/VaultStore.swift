import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// The SQLite file of a vault: opening, schema, and the only writes that keep its
/// invariants. The database connection stays private (GRDB's `AppDatabase` pattern).
///
/// WAL mode and a busy timeout let the CLI and the daemon share it; every write is one
/// transaction, so a crash or a failed command leaves the store as it was.
final class VaultStore {
    private let queue: DatabaseQueue

    private init(queue: DatabaseQueue) { self.queue = queue }

    private static func configuration(readonly: Bool) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.readonly = readonly
        config.foreignKeysEnabled = true
        config.label = "twofold-vault"
        return config
    }

    /// Opens an existing store. Refuses a store written by a newer Twofold.
    static func open(home: VaultHome) throws(VaultError) -> VaultStore {
        guard home.hasVault else { throw .notInitialized(home: home.path) }
        try home.checkPermissions()
        return try wrap {
            let queue = try DatabaseQueue(path: home.databasePath, configuration: configuration(readonly: false))
            let migrator = VaultMigrations.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) { throw VaultError.newerFormat }
            // Applies pending migrations only; a current store is not written.
            if try queue.read({ try !migrator.hasCompletedMigrations($0) }) { try migrator.migrate(queue) }
            return VaultStore(queue: queue)
        }
    }

    /// Creates a new store with its metadata and first wrapped vault key, in one transaction.
    static func create(home: VaultHome, metadata: VaultMetadata, wrappedKey: [UInt8]) throws(VaultError) -> VaultStore {
        try home.createDirectory()
        guard !home.hasVault else { throw .alreadyInitialized(home: home.path) }
        return try wrap {
            let queue = try DatabaseQueue(path: home.databasePath, configuration: configuration(readonly: false))
            _ = chmod(home.databasePath, 0o600)
            // WAL is persistent in the file, so later opens need not (and do not) write.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try VaultMigrations.migrator.migrate(queue)
            try queue.write { db in
                try insertMetadata(metadata, db)
                try db.execute(sql: "INSERT INTO vault_keys (epoch, wrapped) VALUES (?, ?)",
                               arguments: [Int64(metadata.currentEpoch), Data(wrappedKey)])
            }
            return VaultStore(queue: queue)
        }
    }

    /// Runs `body` and turns SQLite errors into ``VaultError/storage(_:)``.
    static func wrap<T>(_ body: () throws -> T) throws(VaultError) -> T {
        do {
            return try body()
        } catch let error as VaultError {
            throw error
        } catch let error as DatabaseError {
            throw .storage(error.message ?? "SQLite error \(error.resultCode.rawValue)")
        } catch {
            throw .storage(String(describing: error))
        }
    }

    /// A consistent read.
    func read<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        try Self.wrap { try queue.read(body) }
    }

    /// One write transaction: all of `body` or nothing.
    func write<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        try Self.wrap { try queue.write(body) }
    }
}

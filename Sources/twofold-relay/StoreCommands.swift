import ArgumentParser
import Foundation
import TwofoldRelay

/// `twofold-relay migrate`: brings the store's schema up to this relay's version and says
/// where it is. `serve` does the same on start (under an advisory lock on PostgreSQL);
/// this runs it ahead of a rolling upgrade (README, "Deployment").
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the store's schema (SQLite in --data, or PostgreSQL with --database).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: AdminOutput

    func run() async throws {
        let configuration = try store.load(asAdmin: true)
        let opened = try await openStore(configuration)
        if let postgres = opened as? PostgresRelayStore {
            let version = try await postgres.schemaVersion()
            await postgres.close()
            output.json ? output.print(.obj(["store": .string(postgres.location.description), "schema_version": .int(version)]))
                        : print("\(postgres.location): schema version \(version)")
        } else {
            let path = "\(configuration.dataDirectory)/\(SQLiteRelayStore.fileName)"
            output.json ? output.print(.obj(["store": .string(path), "up_to_date": .bool(true)]))
                        : print("\(path): schema up to date")
        }
    }
}

/// `twofold-relay copy --from sqlite:PATH --to postgres://…`: moves a SQLite relay to
/// PostgreSQL, every row of every table, in one transaction (README, "Deployment").
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite relay into an empty PostgreSQL database (stop the relay first).")
    @Option(help: "The SQLite relay: sqlite:DATA_DIRECTORY (or sqlite:PATH/relay.sqlite).") var from: String
    @Option(help: "The empty PostgreSQL database: postgres://USER@HOST:PORT/DB.") var to: String
    @OptionGroup var output: AdminOutput

    func run() async throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw fail("--from must be sqlite:PATH, the relay's data directory (e.g. sqlite:/var/lib/twofold-relay)")
        }
        let path = String(from.dropFirst("sqlite:".count))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("--from \(path) does not exist: give the relay's data directory or its relay.sqlite")
        }
        let file = isDirectory.boolValue ? (path as NSString).appendingPathComponent(SQLiteRelayStore.fileName) : path
        guard FileManager.default.fileExists(atPath: file) else {
            throw fail("\(path) holds no \(SQLiteRelayStore.fileName): give the relay's data directory")
        }
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: to)
        } catch let error as ConfigurationError {
            throw fail("--to: \(error.description)")
        }
        let source: SQLiteRelayStore
        do {
            source = try SQLiteRelayStore(path: file)
        } catch let error as RelayStoreError {
            throw fail(error.description)
        }
        let target: PostgresRelayStore
        do {
            target = try await PostgresRelayStore.open(location, logger: quietLogger())
        } catch let error as PostgresStoreError {
            throw fail(error.description)
        }
        do {
            let report = try await RelayStoreCopy.copy(from: source, to: target)
            await target.close()
            if output.json {
                output.print(.obj(["from": .string(file), "to": .string(location.description),
                                   "rows": .object(report.map { JSONValue.Member($0.0, .int(Int64($0.1))) })]))
            } else {
                for (table, rows) in report { print("\(table): \(rows)") }
                print("copied \(file) to \(location)")
            }
        } catch let error as PostgresStoreError {
            await target.close()
            throw fail(error.description)
        } catch let error as CopyError {
            await target.close()
            throw fail(error.description)
        }
    }
}

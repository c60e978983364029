import Foundation
import Logging
import PostgresNIO
import Testing
@testable import TwofoldRelay

/// Makes a fresh, empty store of each backend: every test of ``RelayStoreTests`` and every
/// route test that takes a ``Mode`` runs on each. PostgreSQL runs when
/// `TWOFOLD_TEST_POSTGRES_URL` is set (`make test` starts a cluster and sets it,
/// scripts/postgres-test-cluster), each test in a database of its own.
enum StoreFactory: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when a test server is given.
    static var allCases: [StoreFactory] { PostgresTestServer.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh store (SQLite in `directory`, or a new temporary one) and what removes it.
    func make(directory: String? = nil) async throws -> (store: any RelayStore, cleanup: @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("store-test-\(UUID().uuidString)").path
            return (try SQLiteRelayStore(directory: dir), { try? FileManager.default.removeItem(atPath: dir) })
        case .postgres:
            let (location, drop) = try await PostgresTestServer.createDatabase()
            let store = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
            return (store, { Task { await store.close(); await drop() } })
        }
    }
}

/// The PostgreSQL server of the test run (`TWOFOLD_TEST_POSTGRES_URL`): hands out a new
/// database per test, dropped after it.
enum PostgresTestServer {
    static let url: String? = ProcessInfo.processInfo.environment["TWOFOLD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let logger: Logger = {
        var logger = Logger(label: "twofold-relay-tests.postgres")
        logger.logLevel = .warning
        return logger
    }()

    /// One pooled client on the server's maintenance database, for CREATE and DROP DATABASE.
    static let admin: (client: PostgresClient, location: PostgresLocation)? = {
        guard let url, let location = try? PostgresLocation(url: url) else { return nil }
        var quiet = logger
        quiet.logLevel = .error
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: quiet)
        Task.detached { await client.run() }
        return (client, location)
    }()

    /// A new, empty database and what drops it.
    static func createDatabase() async throws -> (PostgresLocation, drop: @Sendable () async -> Void) {
        guard let admin else {
            throw ConfigurationError("TWOFOLD_TEST_POSTGRES_URL is not a usable postgres:// URL: see scripts/postgres-test-cluster")
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        return (admin.location.with(database: name), {
            _ = try? await admin.client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        })
    }
}

/// A relay secret's raw bytes, read from either store, for tests that check it never leaves [API-5].
func secretBytes(_ store: any RelayStore, _ name: String) async throws -> [UInt8] {
    if let sqlite = store as? SQLiteRelayStore { return try sqlite.secretBytes(name) }
    if let postgres = store as? PostgresRelayStore { return try await postgres.secretBytes(name) }
    Issue.record("unknown store \(type(of: store))")
    return []
}

import Foundation
import Logging
import NIOCore
import PostgresNIO
import TwofoldCrypto
import TwofoldProtocol

/// The scale-out ``RelayStore``: PostgreSQL through postgres-nio, shared by several stateless
/// relay replicas (DESIGN.md, "The relay"; issue 8).
///
/// Every statement is parameterised (postgres-nio sends it with the extended protocol, so a
/// value is never SQL). They are unnamed statements: postgres-nio's named prepared statements
/// measured slower here (README, "The relay on PostgreSQL"), and an unnamed one cannot go
/// stale when a newer replica adds a column during a rolling upgrade. Every write that ``SQLiteRelayStore`` does in one transaction is one
/// transaction here, and every write to an account first takes that account's row lock
/// (`SELECT … FOR UPDATE`), so writes to one account through any replica are serialised:
/// compare-and-swap cannot succeed twice [API-19], and seqs, read from and written back to the
/// locked row, are assigned in commit order [SYN-20]. Committed changes are announced with
/// `NOTIFY twofold_events` inside the writing transaction, so other replicas hear of a change
/// exactly when, and only if, it commits (``PostgresChangeListener``).
public final class PostgresRelayStore: RelayStore, @unchecked Sendable {
    /// The pool; queries wait for ``run()`` of the client, which the store starts itself.
    let client: PostgresClient
    /// Where it points, without the password (logs).
    public let location: PostgresLocation
    let logger: Logger
    /// Tells this process's notifications from other processes' (``RelayChange``).
    let origin: String
    private let runTask: Task<Void, Never>

    /// Connects, migrates (under an advisory lock, so replicas starting together do not race),
    /// and creates the relay secrets on first use. Refuses a database written by a newer relay.
    public static func open(_ location: PostgresLocation, logger: Logger = Logger(label: "twofold-relay.postgres"),
                            maximumConnections: Int = 16, existingOnly: Bool = false) async throws -> PostgresRelayStore {
        do {
            var quiet = logger
            quiet.logLevel = .critical
            try await location.probe(logger: quiet)
        } catch {
            throw PostgresStoreError.unreachable(location: location.description, reason: Self.reason(error))
        }
        let store = PostgresRelayStore(location: location, logger: logger, maximumConnections: maximumConnections)
        do {
            if existingOnly {
                let exists = try await store.client.withConnection { conn in
                    try await Self.rows(conn, "SELECT to_regclass('relay_schema') IS NOT NULL AS present", store.logger)[0].bool("present")
                }
                guard exists else { throw RelayStoreError.noStore(location.description) }
            }
            try await store.migrate()
            try await store.transaction { conn in
                for name in ["auth_secret", "decoy_secret"] {
                    try await conn.query("""
                        INSERT INTO relay_secret (name, value) VALUES (\(name), \(Self.bin(SecureRandom.bytes(32))))
                        ON CONFLICT (name) DO NOTHING
                        """, logger: store.logger)
                }
            }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    private init(location: PostgresLocation, logger: Logger, maximumConnections: Int) {
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        // postgres-nio's own background messages at error level only: the store reports what
        // matters (an unreachable server, a dropped listener) itself.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        self.location = location
        self.logger = logger
        self.origin = Hex.encode(SecureRandom.bytes(8))
        runTask = Task { await client.run() }
    }

    /// Closes every connection. The store cannot be used after.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one pooled connection: committed when it returns,
    /// rolled back when it throws, and the body's own error is what the caller sees. A
    /// deadlock or serialisation failure (which row locks make rare) is retried twice.
    func transaction<T: Sendable>(readOnly: Bool = false,
                                  _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { conn -> T in
                    // A read transaction sees one snapshot for all its statements [API-18].
                    let begin: PostgresQuery = readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN"
                    try await conn.query(begin, logger: self.logger)
                    do {
                        let value = try await body(conn)
                        try await conn.query("COMMIT", logger: self.logger)
                        return value
                    } catch {
                        _ = try? await conn.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 3 && Self.isRetryable(error) {
                logger.debug("retrying a transaction", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                continue
            }
        }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// The unique constraint a statement broke, if that is why it failed.
    static func uniqueViolation(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" else { return nil }
        return error.serverInfo?[.constraintName] ?? ""
    }

    /// The rows of a query, each readable by column name.
    @discardableResult
    static func rows(_ conn: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> [PGRow] {
        try await conn.query(query, logger: logger).collect().map { PGRow($0.makeRandomAccess()) }
    }

    /// Bytes as a `bytea` parameter ([UInt8] alone would bind as `"char"[]`).
    static func bin(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    /// One line for a connection failure.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    // MARK: Relay

    public func secrets() async throws -> RelaySecrets {
        let rows = try await transaction(readOnly: true) { conn in
            try await Self.rows(conn, "SELECT name, value FROM relay_secret", self.logger)
        }
        var values: [String: [UInt8]] = [:]
        for row in rows { values[try row.text("name")] = try row.bytes("value") }
        guard let auth = values["auth_secret"], let decoy = values["decoy_secret"] else { throw RelayStoreError.missingSecret }
        return RelaySecrets(auth: try RelaySecret(SecureBytes(auth)), decoy: SecureBytes(decoy))
    }

    public func rotateAuthSecret() async throws {
        try await client.query("UPDATE relay_secret SET value = \(Self.bin(SecureRandom.bytes(32))) WHERE name = 'auth_secret'",
                               logger: logger)
    }

    /// Answers within 5 s, or throws: while the server is down the pool keeps new requests
    /// waiting for about a minute before it gives up, and `/v1/health` must say 503 long
    /// before that so the load balancer takes this replica out.
    public func ping() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.client.query("SELECT 1", logger: self.logger)
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            guard answered else {
                throw PostgresStoreError.unreachable(location: self.location.description, reason: "no answer within 5 s")
            }
        }
    }

    public func deviceDirectory() async throws -> DeviceDirectorySnapshot {
        try await transaction(readOnly: true) { conn in
            var devices: [DeviceID: (account: AccountID, status: DeviceStatus)] = [:]
            for row in try await Self.rows(conn, "SELECT id, account_id, status FROM device", self.logger) {
                devices[try row.deviceID("id")] = (try row.accountID("account_id"), DeviceStatus(rawValue: try row.text("status")) ?? .revoked)
            }
            var deleted = Set<AccountID>()
            for row in try await Self.rows(conn, "SELECT id FROM deleted_account", self.logger) {
                deleted.insert(try row.accountID("id"))
            }
            var disabled = Set<AccountID>()
            for row in try await Self.rows(conn, "SELECT id FROM account WHERE disabled_at_ms IS NOT NULL", self.logger) {
                disabled.insert(try row.accountID("id"))
            }
            return DeviceDirectorySnapshot(devices: devices, deletedAccounts: deleted, disabledAccounts: disabled)
        }
    }

    public func purgeExpired(nowMs: Int64) async throws {
        try await transaction { conn in
            try await conn.query("DELETE FROM used_challenge WHERE expires_at_ms <= \(nowMs)", logger: self.logger)
            try await conn.query("DELETE FROM mailbox WHERE expires_at_ms <= \(nowMs)", logger: self.logger)
            try await conn.query("DELETE FROM rate_bucket WHERE updated_ms <= \(nowMs - 86_400_000)", logger: self.logger)
            try await conn.query("""
                DELETE FROM invite WHERE uses_left <= 0 OR (expires_at_ms IS NOT NULL AND expires_at_ms <= \(nowMs))
                """, logger: self.logger)
        }
    }

    // MARK: ChallengeLedger [API-8]

    /// Inserts the nonce under its primary key: of two concurrent uses, on any replicas, one inserts.
    public func consume(_ challenge: AuthChallenge, nowMilliseconds: UInt64) async throws -> Bool {
        let expires = Int64(clamping: challenge.expiresAtMilliseconds)
        let rows = try await client.query("""
            INSERT INTO used_challenge (nonce, expires_at_ms) VALUES (\(Self.bin(challenge.nonce)), \(expires))
            ON CONFLICT (nonce) DO NOTHING RETURNING 1
            """, logger: logger).collect()
        return rows.count == 1
    }

    // MARK: Shared checks

    /// Takes the account's row lock for the rest of the transaction and refuses a device that
    /// is not active in it [API-13]. The lock comes first, so a rotation that revokes the
    /// device either committed before (and the check sees it) or waits for this write.
    /// Returns the locked account row; a deleted account has no devices left, so its devices
    /// hear `device_revoked`, as from ``SQLiteRelayStore``.
    func lockAccount(_ conn: PostgresConnection, _ account: AccountID, activeDevice device: DeviceID?) async throws -> PGRow {
        let row = try await Self.rows(conn, """
            SELECT \(unescaped: Self.accountColumns) FROM account WHERE id = \(Self.bin(account.bytes)) FOR UPDATE
            """, logger).first
        if let device {
            let status = try await Self.rows(conn, """
                SELECT status FROM device WHERE id = \(Self.bin(device.bytes)) AND account_id = \(Self.bin(account.bytes))
                """, logger).first?.text("status")
            guard status == DeviceStatus.active.rawValue else {
                throw RelayError(.deviceRevoked, "this device was removed from the account: link it again from another device")
            }
        }
        guard let row else {
            throw RelayError(.accountDeleted, "the account was deleted; this device can no longer sync")
        }
        guard try row.optionalInt("disabled_at_ms") == nil else { throw RelayError.accountDisabled }
        return row
    }
}

/// Failures of the PostgreSQL store that are not refusals of a request.
public enum PostgresStoreError: Error, CustomStringConvertible {
    /// The server does not answer or refuses the login.
    case unreachable(location: String, reason: String)
    /// The database was migrated by a newer relay.
    case newerSchema(location: String, version: Int64)
    /// `twofold-relay copy` into a database that already holds accounts or invites.
    case notEmpty(location: String, table: String)

    public var description: String {
        switch self {
        case .unreachable(let location, let reason):
            return "cannot connect to PostgreSQL at \(location) (\(reason)): check the URL, that the server runs, and the user's password (PGPASSWORD)"
        case .newerSchema(let location, let version):
            return "\(location) has schema version \(version), written by a newer twofold-relay: upgrade twofold-relay to use it"
        case .notEmpty(let location, let table):
            return "\(location) is not empty (table \(table) has rows): copy only into a new, empty database"
        }
    }
}

extension PostgresRelayStore {
    /// A secret's raw bytes, for tests that check it never leaves the store [API-5].
    func secretBytes(_ name: String) async throws -> [UInt8] {
        try await client.query("SELECT value FROM relay_secret WHERE name = \(name)", logger: logger).collect()
            .first.map { try PGRow($0.makeRandomAccess()).bytes("value") } ?? []
    }
}

import Foundation
import GRDB
import TwofoldCrypto
import TwofoldProtocol

/// The default ``RelayStore``: one SQLite database in WAL mode through GRDB
/// (Protocol/relay-api.md; DESIGN.md, "The relay").
///
/// The writer is private; every write is one transaction that keeps the invariants, and
/// constraints (primary keys, `CHECK`s, foreign keys) back what the Swift code checks.
/// Several processes may open one database at once — the server and the admin command —
/// and wait for each other through the busy timeout.
public final class SQLiteRelayStore: RelayStore {
    /// The database file's name inside the data directory.
    public static let fileName = "relay.sqlite"

    let pool: DatabasePool

    /// Opens (creating if needed) `relay.sqlite` in `directory` (made with mode 0700).
    public convenience init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try self.init(path: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    /// Opens (creating if needed) the database at `path`, migrates it, and creates the
    /// relay secrets on first use. Refuses a database written by a newer relay.
    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "twofold-relay"
        config.maximumReaderCount = 8
        config.prepareDatabase { db in
            // WAL is set by DatabasePool; NORMAL sync is durable across process crashes
            // (SIGKILL), which is what a batch must survive.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        let migrator = Self.migrator
        try pool.read { db in
            if try migrator.hasBeenSuperseded(db) {
                throw RelayStoreError.newerSchema(path: path)
            }
        }
        try migrator.migrate(pool)
        try pool.write { db in
            for name in ["auth_secret", "decoy_secret"] {
                try db.execute(sql: "INSERT OR IGNORE INTO relay_secret (name, value) VALUES (?, ?)",
                               arguments: [name, Data(SecureRandom.bytes(32))])
            }
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    // MARK: Relay

    public func secrets() async throws -> RelaySecrets {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, value FROM relay_secret").map { row -> (String, [UInt8]) in
                (row["name"], row.bytes("value"))
            }
        }
        let values = Dictionary(rows, uniquingKeysWith: { a, _ in a })
        guard let auth = values["auth_secret"], let decoy = values["decoy_secret"] else {
            throw RelayStoreError.missingSecret
        }
        return RelaySecrets(auth: try RelaySecret(SecureBytes(auth)), decoy: SecureBytes(decoy))
    }

    public func rotateAuthSecret() async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE relay_secret SET value = ? WHERE name = 'auth_secret'",
                           arguments: [Data(SecureRandom.bytes(32))])
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func deviceDirectory() async throws -> DeviceDirectorySnapshot {
        try await pool.read { db in
            var devices: [DeviceID: (account: AccountID, status: DeviceStatus)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, account_id, status FROM device") {
                let status = DeviceStatus(rawValue: row["status"]) ?? .revoked
                devices[try row.deviceID("id")] = (try row.accountID("account_id"), status)
            }
            var deleted = Set<AccountID>()
            for row in try Row.fetchAll(db, sql: "SELECT id FROM deleted_account") {
                deleted.insert(try row.accountID("id"))
            }
            var disabled = Set<AccountID>()
            for row in try Row.fetchAll(db, sql: "SELECT id FROM account WHERE disabled_at_ms IS NOT NULL") {
                disabled.insert(try row.accountID("id"))
            }
            return DeviceDirectorySnapshot(devices: devices, deletedAccounts: deleted, disabledAccounts: disabled)
        }
    }

    public func purgeExpired(nowMs: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM used_challenge WHERE expires_at_ms <= ?", arguments: [nowMs])
            try db.execute(sql: "DELETE FROM mailbox WHERE expires_at_ms <= ?", arguments: [nowMs])
            try db.execute(sql: "DELETE FROM rate_bucket WHERE updated_ms <= ?", arguments: [nowMs - 86_400_000])
            try db.execute(sql: "DELETE FROM invite WHERE uses_left <= 0 OR (expires_at_ms IS NOT NULL AND expires_at_ms <= ?)",
                           arguments: [nowMs])
        }
    }

    // MARK: ChallengeLedger [API-8]

    /// Records the nonce under its primary key: of two concurrent uses, one inserts.
    public func consume(_ challenge: AuthChallenge, nowMilliseconds: UInt64) async throws -> Bool {
        let nonce = Data(challenge.nonce)
        let expires = Int64(clamping: challenge.expiresAtMilliseconds)
        return try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO used_challenge (nonce, expires_at_ms) VALUES (?, ?)",
                           arguments: [nonce, expires])
            return db.changesCount == 1
        }
    }

    // MARK: Shared checks

    /// The account's epoch and usage row inside a write, or `account_deleted` or
    /// `account_disabled` [API-13].
    func accountRow(_ db: Database, _ account: AccountID) throws -> Row {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM account WHERE id = ?"), arguments: [Data(account.bytes)]) else {
            throw RelayError(.accountDeleted, "the account was deleted; this device can no longer sync")
        }
        guard (row["disabled_at_ms"] as Int64?) == nil else { throw RelayError.accountDisabled }
        return row
    }

    /// Refuses a device that is not active in `account`, inside the write's transaction [API-13].
    func requireActive(_ db: Database, device: DeviceID, account: AccountID) throws {
        let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM device WHERE id = ? AND account_id = ?"),
                                         arguments: [Data(device.bytes), Data(account.bytes)])
        guard status == DeviceStatus.active.rawValue else {
            throw RelayError(.deviceRevoked, "this device was removed from the account: link it again from another device")
        }
    }
}

/// Failures of the SQLite store that are not refusals of a request.
public enum RelayStoreError: Error, CustomStringConvertible {
    /// The database was written by a newer relay.
    case newerSchema(path: String)
    /// The relay secrets are missing (a damaged database).
    case missingSecret
    /// No store exists where an admin command looked (a path, or a PostgreSQL location).
    case noStore(String)

    public var description: String {
        switch self {
        case .newerSchema(let path):
            return "\(path) was written by a newer twofold-relay: upgrade twofold-relay to open it"
        case .missingSecret:
            return "the relay secrets are missing from the database: restore it from a backup"
        case .noStore(let place):
            return "no relay store at \(place): give the relay's own --data directory or --database (as in its config; "
                + "the systemd service's is /var/lib/twofold-relay), or start the relay once to create it"
        }
    }
}

extension Row {
    /// A blob column as bytes (empty for NULL).
    func bytes(_ column: String) -> [UInt8] {
        guard let data = self[column] as Data? else { return [] }
        return [UInt8](data)
    }

    /// A nullable blob column.
    func optionalBytes(_ column: String) -> [UInt8]? {
        (self[column] as Data?).map { [UInt8]($0) }
    }

    func accountID(_ column: String) throws -> AccountID { try AccountID(bytes: bytes(column)) }
    func deviceID(_ column: String) throws -> DeviceID { try DeviceID(bytes: bytes(column)) }
    func recordID(_ column: String) throws -> RecordID { try RecordID(bytes: bytes(column)) }
}

extension SQLiteRelayStore {
    /// A secret's raw bytes, for tests that check it never leaves the store [API-5].
    func secretBytes(_ name: String) throws -> [UInt8] {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT value FROM relay_secret WHERE name = ?", arguments: [name])?.bytes("value") ?? []
        }
    }
}

import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO

/// `twofold-relay copy --from sqlite:PATH --to postgres://…`: moves a SQLite relay to
/// PostgreSQL with nothing lost (README, "Deployment"; issue 8).
///
/// Every row of every table moves one for one — the relay secrets too, so tokens stay valid
/// and decoy passphrase parameters stay the same [API-17] — read from one SQLite snapshot
/// and written in one PostgreSQL transaction: the target holds all of it or none of it.
/// The target must be empty (accounts, devices, invites…); the copy then checks that every
/// table has as many rows as the source.
public enum RelayStoreCopy {
    /// How a column is read from SQLite and bound for PostgreSQL.
    enum Kind { case bytes, int, text, real, bool }

    /// The tables in the order foreign keys need, with their columns and key order.
    static let tables: [(name: String, columns: [(String, Kind)], order: String, page: Int)] = [
        ("account", [("id", .bytes), ("epoch", .int), ("created_at_ms", .int), ("recovery_sign_key", .bytes),
                     ("recovery_box_key", .bytes), ("passphrase_sign_key", .bytes), ("passphrase_box_key", .bytes),
                     ("passphrase_salt", .bytes), ("passphrase_ops", .int), ("passphrase_mem", .int), ("latest_seq", .int),
                     ("record_count", .int), ("record_bytes", .int), ("snapshot_count", .int), ("snapshot_bytes", .int),
                     ("head_counter", .int), ("head_device", .bytes), ("head_bytes", .bytes), ("head_seq", .int), ("label", .text), ("disabled_at_ms", .int)], "id", 500),
        ("device", [("id", .bytes), ("account_id", .bytes), ("sign_key", .bytes), ("box_key", .bytes), ("status", .text),
                    ("created_at_ms", .int), ("revoked_at_ms", .int), ("last_seen_ms", .int)], "id", 500),
        ("record", [("account_id", .bytes), ("record_id", .bytes), ("kind", .int), ("version", .text), ("epoch", .int),
                    ("deleted", .bool), ("sealed", .bytes), ("seq", .int)], "account_id, record_id", 500),
        ("account_grant", [("account_id", .bytes), ("recipient", .text), ("epoch", .int), ("sealed", .bytes)],
         "account_id, recipient", 500),
        ("snapshot", [("account_id", .bytes), ("id", .bytes), ("epoch", .int), ("created_at_ms", .int), ("uploaded_at_ms", .int),
                      ("device_id", .bytes), ("size", .int), ("sealed", .bytes)], "account_id, id", 4),
        ("used_challenge", [("nonce", .bytes), ("expires_at_ms", .int)], "nonce", 500),
        ("invite", [("hash", .bytes), ("uses_left", .int), ("expires_at_ms", .int), ("created_at_ms", .int), ("label", .text)], "hash", 500),
        ("mailbox", [("rendezvous_id", .bytes), ("device_id", .bytes), ("sign_key", .bytes), ("box_key", .bytes), ("tag", .bytes),
                     ("collect_hash", .bytes), ("expires_at_ms", .int), ("reply_account", .bytes), ("reply_epoch", .int),
                     ("reply_grant", .bytes), ("reply_tag", .bytes), ("reply_from_device", .bytes), ("reply_from_sign_key", .bytes),
                     ("reply_from_box_key", .bytes)], "rendezvous_id", 500),
        ("rate_bucket", [("key", .text), ("tokens", .real), ("updated_ms", .int)], "key", 500),
        ("deleted_account", [("id", .bytes), ("deleted_at_ms", .int)], "id", 500),
    ]

    /// Copies everything in `source` into the empty `target`; returns the rows per table.
    public static func copy(from source: SQLiteRelayStore, to target: PostgresRelayStore) async throws -> [(table: String, rows: Int)] {
        let snapshot = try source.pool.makeSnapshot()
        let logger = target.logger
        return try await target.transaction { conn in
            for (table, _, _, _) in tables {
                let taken = try await PostgresRelayStore.rows(conn, PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(table)) AS taken"),
                                                              logger)[0].bool("taken")
                guard !taken else { throw PostgresStoreError.notEmpty(location: target.location.description, table: table) }
            }
            // The secrets: tokens and challenges stay valid, decoys stay the same [API-17].
            let secrets = try await snapshot.read { db in
                try Row.fetchAll(db, sql: "SELECT name, value FROM relay_secret").map { ($0["name"] as String, $0.bytes("value")) }
            }
            for (name, value) in secrets {
                try await conn.query("""
                    INSERT INTO relay_secret (name, value) VALUES (\(name), \(PostgresRelayStore.bin(value)))
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value
                    """, logger: logger)
            }
            var report: [(table: String, rows: Int)] = []
            for (table, columns, order, page) in tables {
                let names = columns.map(\.0).joined(separator: ", ")
                let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                let insert = "INSERT INTO \(table) (\(names)) VALUES (\(placeholders))"
                var offset = 0
                while true {
                    let rows = try await snapshot.read { db in
                        try Row.fetchAll(db, sql: "SELECT \(names) FROM \(table) ORDER BY \(order) LIMIT ? OFFSET ?", arguments: [page, offset])
                    }
                    for row in rows {
                        try await conn.query(PostgresQuery(unsafeSQL: insert, binds: try bindings(row, columns, table: table)), logger: logger)
                    }
                    offset += rows.count
                    if rows.count < page { break }
                }
                let copied = try await PostgresRelayStore.rows(conn, PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table)"), logger)[0]
                    .int("n")
                guard copied == Int64(offset) else {
                    throw CopyError("table \(table): \(offset) rows read but \(copied) in the target; nothing was copied, run copy again")
                }
                report.append((table, offset))
            }
            return report
        }
    }

    /// One source row as PostgreSQL parameters.
    static func bindings(_ row: Row, _ columns: [(String, Kind)], table: String) throws -> PostgresBindings {
        var binds = PostgresBindings(capacity: columns.count)
        for (name, kind) in columns {
            let value: DatabaseValue = row[name]
            if value.isNull {
                binds.appendNull()
                continue
            }
            switch kind {
            case .bytes:
                guard let data = Data.fromDatabaseValue(value) else { throw CopyError("table \(table), column \(name) is not a blob: the source database is damaged; restore it from a backup and copy again") }
                binds.append(ByteBuffer(bytes: data))
            case .int:
                guard let n = Int64.fromDatabaseValue(value) else { throw CopyError("table \(table), column \(name) is not an integer: the source database is damaged; restore it from a backup and copy again") }
                binds.append(n)
            case .text:
                guard let s = String.fromDatabaseValue(value) else { throw CopyError("table \(table), column \(name) is not text: the source database is damaged; restore it from a backup and copy again") }
                binds.append(s)
            case .real:
                guard let d = Double.fromDatabaseValue(value) else { throw CopyError("table \(table), column \(name) is not a number: the source database is damaged; restore it from a backup and copy again") }
                binds.append(d)
            case .bool:
                guard let n = Int64.fromDatabaseValue(value) else { throw CopyError("table \(table), column \(name) is not 0 or 1: the source database is damaged; restore it from a backup and copy again") }
                binds.append(n != 0)
            }
        }
        return binds
    }
}

/// A copy that could not be completed; nothing was written.
public struct CopyError: Error, CustomStringConvertible {
    /// One line: what is wrong and what to do.
    public let description: String
    init(_ description: String) { self.description = description }
}

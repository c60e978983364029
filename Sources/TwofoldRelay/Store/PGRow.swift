import NIOCore
import PostgresNIO
import TwofoldProtocol

/// A PostgreSQL row read by column name, hiding postgres-nio's cells the way GRDB's `Row`
/// does for the SQLite store: `bytea` as bytes, `bigint` as `Int64`, ids as their types.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func int(_ column: String) throws -> Int64 { try row[column].decode(Int64.self) }
    func optionalInt(_ column: String) throws -> Int64? { try row[column].decode(Int64?.self) }
    func text(_ column: String) throws -> String { try row[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try row[column].decode(String?.self) }
    func bool(_ column: String) throws -> Bool { try row[column].decode(Bool.self) }
    func double(_ column: String) throws -> Double { try row[column].decode(Double.self) }

    /// A `bytea` column as bytes.
    func bytes(_ column: String) throws -> [UInt8] {
        Array(try row[column].decode(ByteBuffer.self).readableBytesView)
    }

    /// A nullable `bytea` column.
    func optionalBytes(_ column: String) throws -> [UInt8]? {
        try row[column].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
    }

    func accountID(_ column: String) throws -> AccountID { try AccountID(bytes: bytes(column)) }
    func deviceID(_ column: String) throws -> DeviceID { try DeviceID(bytes: bytes(column)) }
    func recordID(_ column: String) throws -> RecordID { try RecordID(bytes: bytes(column)) }
}

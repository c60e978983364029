/// Phantom tag of snapshot ids.
public enum SnapshotTag {}
/// A snapshot's 16 random bytes of id.
public typealias SnapshotID = TwofoldID<SnapshotTag>

/// The clear, authenticated front of a snapshot (Protocol/crypto.md, "Snapshot"):
/// `0x01 || snapshot_id (16) || epoch (u32 BE) || created_ms (u64 BE)`, 29 bytes.
/// A reader learns from it which epoch's vault key opens the rest.
public struct SnapshotHeader: Hashable, Sendable {
    /// The snapshot's id.
    public var id: SnapshotID
    /// The epoch whose vault key sealed the snapshot and every record in it.
    public var epoch: UInt32
    /// When it was taken, Unix milliseconds (the writer's clock).
    public var createdMilliseconds: UInt64

    /// Creates a header.
    public init(id: SnapshotID, epoch: UInt32, createdMilliseconds: UInt64) {
        self.id = id
        self.epoch = epoch
        self.createdMilliseconds = createdMilliseconds
    }

    /// Format byte.
    public static let formatVersion: UInt8 = 1
    /// Header length: 29 bytes.
    public static let length = 29
    /// Associated-data label.
    public static let associatedDataLabel = "twofold/snapshot/v1"

    /// The 29 header bytes.
    public var encoded: [UInt8] {
        var w = ByteWriter(capacity: Self.length)
        w.append(Self.formatVersion)
        w.append(id.bytes)
        w.append(epoch)
        w.append(createdMilliseconds)
        return w.bytes
    }

    /// Reads the header at the start of a snapshot.
    public init(decoding snapshot: [UInt8]) throws(ProtocolError) {
        guard let format = snapshot.first else { throw .malformed(what: "snapshot", reason: "empty") }
        guard format == Self.formatVersion else { throw .unsupportedVersion(what: "snapshot", version: format) }
        var r = ByteReader(Array(snapshot.prefix(Self.length)), what: "snapshot")
        _ = try r.readUInt8()
        id = try SnapshotID(bytes: try r.read(count: 16))
        epoch = try r.readUInt32()
        createdMilliseconds = try r.readUInt64()
    }

    /// `"twofold/snapshot/v1" || account_id || snapshot_id || epoch (u32 BE) || created_ms (u64 BE)`.
    public func associatedData(account: AccountID) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.append(Self.associatedDataLabel)
        w.append(account.bytes)
        w.append(id.bytes)
        w.append(epoch)
        w.append(createdMilliseconds)
        return w.bytes
    }
}

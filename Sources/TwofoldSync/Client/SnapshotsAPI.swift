import TwofoldProtocol

/// Snapshot routes (Protocol/relay-api.md, "Snapshots"): the daemon uploads sealed
/// whole-vault snapshots and runs the retention policy; `twofold snapshots` lists and
/// fetches them. The relay stores the sealed bytes and never opens them.
public struct SnapshotsAPI: Sendable {
    /// The signed-in session.
    public let session: RelaySession

    /// Uses `session`.
    public init(session: RelaySession) { self.session = session }

    /// A snapshot as the relay lists it (no contents).
    public struct Info: Sendable, Equatable {
        /// Its id.
        public var id: SnapshotID
        /// The epoch whose key sealed it.
        public var epoch: UInt32
        /// When the device took it (the device's clock), Unix milliseconds.
        public var createdMilliseconds: UInt64
        /// When the relay stored it, Unix milliseconds.
        public var uploadedMilliseconds: UInt64
        /// Sealed bytes.
        public var size: Int
        /// The device that uploaded it.
        public var device: DeviceID
    }

    /// `GET /v1/snapshots`: every snapshot, newest first.
    public func list() async throws(SyncError) -> [Info] {
        let answer = try await session.send(.GET, "/v1/snapshots", as: SnapshotList.self)
        var out: [Info] = []
        for entry in answer.snapshots { out.append(try entry.info()) }
        return out
    }

    /// `POST /v1/snapshots`: stores `sealed` (`crypto.md`, "Snapshot") under the id, epoch
    /// and time of its header.
    @discardableResult
    public func upload(_ sealed: [UInt8]) async throws(SyncError) -> Info {
        let header: SnapshotHeader
        do { header = try SnapshotHeader(decoding: sealed) } catch {
            throw .invalidResponse("the snapshot to upload is malformed: \(error)")
        }
        let body = SnapshotUpload(snapshot_id: header.id.hex, epoch: header.epoch, created_at_ms: header.createdMilliseconds,
                                  sealed: Base64URL.encode(sealed))
        return try await session.send(.POST, "/v1/snapshots", body: body, as: SnapshotEntry.self).info()
    }

    /// `GET /v1/snapshots/{id}`: one snapshot with its sealed bytes.
    public func fetch(_ id: SnapshotID) async throws(SyncError) -> (info: Info, sealed: [UInt8]) {
        let entry = try await session.send(.GET, "/v1/snapshots/\(id.hex)", as: SnapshotEntry.self)
        guard let sealed = entry.sealed else { throw .invalidResponse("the snapshot came without its contents") }
        return (try entry.info(), try Wire.bytes(sealed, "sealed"))
    }

    /// `DELETE /v1/snapshots/{id}`.
    public func delete(_ id: SnapshotID) async throws(SyncError) {
        _ = try await session.send(.DELETE, "/v1/snapshots/\(id.hex)", as: Wire.Empty.self)
    }

    private struct SnapshotList: Decodable { var snapshots: [SnapshotEntry] }

    private struct SnapshotUpload: Encodable, Sendable {
        var snapshot_id: String
        var epoch: UInt32
        var created_at_ms: UInt64
        var sealed: String
    }

    private struct SnapshotEntry: Decodable {
        var snapshot_id: String
        var epoch: UInt32
        var created_at_ms: UInt64
        var uploaded_at_ms: UInt64
        var size: Int
        var device_id: String
        var sealed: String?

        func info() throws(SyncError) -> Info {
            Info(id: try Wire.id(snapshot_id, "snapshot_id"), epoch: epoch, createdMilliseconds: created_at_ms,
                 uploadedMilliseconds: uploaded_at_ms, size: size, device: try Wire.id(device_id, "device_id"))
        }
    }
}

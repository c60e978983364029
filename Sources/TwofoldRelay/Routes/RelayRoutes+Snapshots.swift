import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `GET|POST /v1/snapshots`, `GET|DELETE /v1/snapshots/{snapshot_id}` (relay-api.md, "Snapshots").
    func addSnapshots(to group: RouterGroup<Context>) {
        group.get("snapshots") { _, context -> Response in
            let device = try context.requireDevice()
            let list = try await relay.store.snapshots(account: device.accountID)
            return relay.json(.obj(["snapshots": .array(list.map { $0.json() })]))
        }

        group.post("snapshots") { request, context -> Response in
            let device = try context.requireDevice()
            let body = try JSONObjectReader(try await relay.readJSON(request, limit: relay.configuration.limits.snapshotBodyBytes),
                                            allowed: ["snapshot_id", "epoch", "created_at_ms", "sealed"])
            let upload = SnapshotUpload(snapshotID: try body.id("snapshot_id"), epoch: try body.int("epoch", in: 1...WireFormat.maxEpoch),
                                        createdAtMs: try body.int("created_at_ms", in: 0...WireFormat.maxInteger),
                                        sealed: try body.bytes("sealed", lengths: 1...Int.max))
            try RecordAdmission.checkSnapshot(upload)
            let info = try await relay.store.putSnapshot(account: device.accountID, device: device.deviceID, upload: upload,
                                                         quotas: relay.configuration.limits.quotas, nowMs: relay.clock.nowMs)
            return relay.json(info.json(), status: .created)
        }

        group.get("snapshots/{snapshot_id}") { _, context -> Response in
            let device = try context.requireDevice()
            guard let id = Self.snapshotID(context),
                  let found = try await relay.store.snapshot(account: device.accountID, id: id) else { throw Self.noSnapshot }
            return relay.json(found.info.json(sealed: found.sealed))
        }

        group.delete("snapshots/{snapshot_id}") { _, context -> Response in
            let device = try context.requireDevice()
            guard let id = Self.snapshotID(context), try await relay.store.deleteSnapshot(account: device.accountID, id: id) else {
                throw Self.noSnapshot
            }
            return relay.noContent()
        }
    }

    static let noSnapshot = RelayError(.notFound, "this account has no snapshot with that id; list them with GET /v1/snapshots")

    /// The path's snapshot id; a malformed one is simply not found.
    static func snapshotID(_ context: Context) -> RecordID? {
        WireFormat.id(context.parameters.get("snapshot_id") ?? "", as: RecordID.self)
    }
}

import Hummingbird
import TwofoldProtocol

extension RelayRoutes {
    /// `POST /v1/rotations` (relay-api.md, "Rotation") [API-22].
    func addRotation(to group: RouterGroup<Context>) {
        group.post("rotations") { request, context -> Response in
            let device = try context.requireDevice()
            let body = try JSONObjectReader(
                try await relay.readJSON(request, limit: relay.configuration.limits.rotationBodyBytes),
                allowed: ["from_epoch", "to_epoch", "revoke", "records", "grants", "recovery", "passphrase", "head"])
            var rotation = try Self.rotation(body, maxRecords: Int(min(relay.configuration.limits.recordsPerAccount, 1_000_000)))
            rotation.head.claim = try await relay.headClaim(rotation.head, device: device)
            let result = try await relay.store.rotate(account: device.accountID, device: device.deviceID, rotation: rotation,
                                                      quotas: relay.configuration.limits.quotas, nowMs: relay.clock.nowMs)
            // After commit: revoked devices are refused at once and their streams close;
            // every other stream hears the new epoch and seq.
            relay.directory.revoke(result.revoked)
            relay.hub.revoke(result.revoked, account: device.accountID)
            relay.hub.publish(.epoch(result.outcome.epoch), account: device.accountID, exceptDevice: device.deviceID)
            relay.hub.publish(.records(seq: result.outcome.seq), account: device.accountID, exceptDevice: device.deviceID)
            return relay.json(result.outcome.json)
        }
    }

    /// Parses `RotationRequest`.
    static func rotation(_ body: JSONObjectReader, maxRecords: Int) throws(RelayError) -> Rotation {
        let from = try body.int("from_epoch", in: 1...WireFormat.maxEpoch)
        let to = try body.int("to_epoch", in: 1...WireFormat.maxEpoch)
        guard to == from + 1 else { throw .malformed("field 'to_epoch' must be from_epoch + 1") }
        var revoke: [DeviceID] = []
        for (i, item) in try body.array("revoke", count: 0...1000).enumerated() {
            guard case .string(let s) = item, let id = WireFormat.id(s, as: DeviceID.self) else {
                throw .malformed("field '\(body.itemPath("revoke", i))' must be 32 lowercase hex digits")
            }
            revoke.append(id)
        }
        var records: [(recordID: RecordID, version: String, sealed: [UInt8])] = []
        for (i, item) in try body.array("records", count: 0...maxRecords).enumerated() {
            let r = try JSONObjectReader(item, path: body.itemPath("records", i), allowed: ["record_id", "version", "sealed"])
            records.append((try r.id("record_id"), try r.version("version"), try RequestParsing.sealedRecord(r, "sealed")))
        }
        try RequestParsing.requireDistinct(records.map(\.recordID), what: "the rotation")
        var grants: [GrantEntry] = []
        for (i, item) in try body.array("grants", count: 2...1002).enumerated() {
            grants.append(try RequestParsing.grant(item, path: body.itemPath("grants", i), devicesOnly: false))
        }
        var recovery: AccountKeys?
        if body.has("recovery") {
            recovery = try RequestParsing.accountKeys(try body.object("recovery", allowed: RequestParsing.accountKeyFields))
        }
        var passphrase = PassphraseChange.keep
        if body.isNull("passphrase") {
            passphrase = .remove
        } else if body.has("passphrase") {
            passphrase = .set(try RequestParsing.passphraseKeys(try body.object("passphrase", allowed: RequestParsing.passphraseFields)))
        }
        let head = try RequestParsing.head(try body.object("head", allowed: RequestParsing.headFields))
        return Rotation(fromEpoch: from, toEpoch: to, revoke: revoke, records: records, grants: grants, recovery: recovery,
                        passphrase: passphrase, head: head)
    }
}

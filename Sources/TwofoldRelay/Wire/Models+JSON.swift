import TwofoldProtocol

// The response shapes of Protocol/openapi.yaml, built from the store's models.

extension StoredRecord {
    /// `Record`.
    public var json: JSONValue {
        .obj(["record_id": .string(recordID.hex), "kind": .int(kind), "version": .string(version), "epoch": .int(epoch),
              "deleted": .bool(deleted), "sealed": WireFormat.b64(sealed), "seq": .int(seq)])
    }
}

extension StoredHead {
    /// `Head`.
    public var json: JSONValue {
        .obj(["counter": .int(counter), "device_id": .string(deviceID.hex), "head": WireFormat.b64(head), "seq": .int(seq)])
    }
}

extension RecordPage {
    /// `RecordPage`: `head` only on the last page.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("records", .array(records.map(\.json))), .init("latest_seq", .int(latestSeq)),
            .init("more", .bool(more)), .init("epoch", .int(epoch)),
        ]
        if !more { members.append(.init("head", head?.json ?? .null)) }
        return .object(members)
    }
}

extension PushOutcome {
    /// `PushResult`.
    public var json: JSONValue {
        .obj(["seq": .int(seq), "epoch": .int(epoch),
              "records": .array(records.map { .obj(["record_id": .string($0.0.hex), "seq": .int($0.1)]) })])
    }
}

extension DeviceKeys {
    /// `DeviceKeys`.
    public var json: JSONValue {
        .obj(["device_id": .string(deviceID.hex), "sign_key": WireFormat.b64(signKey), "box_key": WireFormat.b64(boxKey)])
    }
}

extension AccountKeys {
    /// `AccountKeys`.
    public var json: JSONValue { .obj(["sign_key": WireFormat.b64(signKey), "box_key": WireFormat.b64(boxKey)]) }
}

extension PassphraseKeys {
    /// `PassphraseKeys`.
    public var json: JSONValue {
        .obj(["sign_key": WireFormat.b64(keys.signKey), "box_key": WireFormat.b64(keys.boxKey), "salt": WireFormat.b64(salt),
              "ops_limit": .int(opsLimit), "mem_limit": .int(memLimit)])
    }
}

extension DeviceInfo {
    /// `DeviceInfo`.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("device_id", .string(keys.deviceID.hex)), .init("sign_key", WireFormat.b64(keys.signKey)),
            .init("box_key", WireFormat.b64(keys.boxKey)), .init("status", .string(status.rawValue)),
            .init("created_at_ms", .int(createdAtMs)),
        ]
        if let revokedAtMs { members.append(.init("revoked_at_ms", .int(revokedAtMs))) }
        if let lastSeenMs { members.append(.init("last_seen_ms", .int(lastSeenMs))) }
        return .object(members)
    }
}

extension Usage {
    /// `Usage`.
    public var json: JSONValue {
        .obj(["records": .int(records), "record_bytes": .int(recordBytes), "snapshots": .int(snapshots),
              "snapshot_bytes": .int(snapshotBytes)])
    }
}

extension SnapshotInfo {
    /// `SnapshotInfo`, plus `sealed` when given.
    public func json(sealed: [UInt8]? = nil) -> JSONValue {
        var members: [JSONValue.Member] = [
            .init("snapshot_id", .string(snapshotID.hex)), .init("epoch", .int(epoch)),
            .init("created_at_ms", .int(createdAtMs)), .init("uploaded_at_ms", .int(uploadedAtMs)),
            .init("size", .int(size)), .init("device_id", .string(deviceID.hex)),
        ]
        if let sealed { members.append(.init("sealed", WireFormat.b64(sealed))) }
        return .object(members)
    }
}

extension LinkOffer {
    /// `LinkOffer` with the mailbox's expiry.
    public func json(expiresAtMs: Int64) -> JSONValue {
        .obj(["rendezvous_id": .string(Hex.encode(rendezvousID)), "device": device.json, "tag": WireFormat.b64(tag),
              "expires_at_ms": .int(expiresAtMs)])
    }
}

extension LinkReply {
    /// `LinkReply`.
    public var json: JSONValue {
        .obj(["account_id": .string(accountID.hex), "epoch": .int(epoch), "grant": WireFormat.b64(grant),
              "tag": WireFormat.b64(tag), "from_device": fromDevice.json])
    }
}

import TwofoldProtocol

/// Parsers of the request schemas of Protocol/openapi.yaml into store models; each refuses
/// anything the schema refuses with `malformed_request` naming the field [API-1][API-2].
enum RequestParsing {
    static let deviceKeyFields: Set<String> = ["device_id", "sign_key", "box_key"]
    static let accountKeyFields: Set<String> = ["sign_key", "box_key"]
    static let passphraseFields: Set<String> = ["sign_key", "box_key", "salt", "ops_limit", "mem_limit"]
    static let headFields: Set<String> = ["counter", "head", "expected_counter"]
    /// Largest sealed grant: a sealed box of a 53-byte grant plaintext is 101 bytes; 300 leaves room.
    static let maxGrantBytes = 300
    /// Largest signed head accepted.
    static let maxHeadBytes = 4096

    static func deviceKeys(_ r: JSONObjectReader) throws(RelayError) -> DeviceKeys {
        DeviceKeys(deviceID: try r.id("device_id"), signKey: try r.key("sign_key"), boxKey: try r.key("box_key"))
    }

    static func accountKeys(_ r: JSONObjectReader) throws(RelayError) -> AccountKeys {
        AccountKeys(signKey: try r.key("sign_key"), boxKey: try r.key("box_key"))
    }

    static func passphraseKeys(_ r: JSONObjectReader) throws(RelayError) -> PassphraseKeys {
        PassphraseKeys(keys: try accountKeys(r), salt: try r.bytes("salt", lengths: 16...16),
                       opsLimit: try r.int("ops_limit", in: 3...16), memLimit: try r.int("mem_limit", in: 268_435_456...4_294_967_296))
    }

    static func grant(_ value: JSONValue, path: String, devicesOnly: Bool) throws(RelayError) -> GrantEntry {
        let r = try JSONObjectReader(value, path: path, allowed: ["recipient", "sealed"])
        let text = try r.string("recipient")
        guard let recipient = GrantRecipient(text: text), !devicesOnly || { if case .device = recipient { true } else { false } }() else {
            throw .malformed("field '\(path).recipient' must be \(devicesOnly ? "a device id (32 lowercase hex digits)" : "a device id, recovery or passphrase")")
        }
        let sealed = try r.bytes("sealed", lengths: 1...maxGrantBytes)
        try RecordAdmission.checkGrant(sealed, field: "\(path).sealed")
        return GrantEntry(recipient: recipient, sealed: sealed)
    }

    static func head(_ r: JSONObjectReader) throws(RelayError) -> HeadWrite {
        let counter = try r.int("counter", in: 1...WireFormat.maxInteger)
        guard r.has("expected_counter") else { throw .malformed("field '\(r.path).expected_counter' is required (null before the first head)") }
        return HeadWrite(counter: counter, head: try r.bytes("head", lengths: 1...maxHeadBytes),
                         expectedCounter: try r.optionalInt("expected_counter", in: 1...WireFormat.maxInteger))
    }

    static func sealedRecord(_ r: JSONObjectReader, _ key: String) throws(RelayError) -> [UInt8] {
        let sealed = try r.bytes(key, lengths: 1...(1 << 20))
        try RecordAdmission.checkSealed(sealed, field: "\(r.path).\(key)")
        return sealed
    }

    static func recordWrite(_ value: JSONValue, path: String) throws(RelayError) -> RecordWrite {
        let r = try JSONObjectReader(value, path: path, allowed: ["record_id", "kind", "version", "epoch", "deleted", "sealed", "expected_version"])
        guard r.has("expected_version") else { throw .malformed("field '\(path).expected_version' is required (null for a new record)") }
        let write = RecordWrite(recordID: try r.id("record_id"), kind: try r.int("kind", in: 1...3), version: try r.version("version"),
                                epoch: try r.int("epoch", in: 1...WireFormat.maxEpoch), deleted: try r.bool("deleted"),
                                sealed: try sealedRecord(r, "sealed"),
                                expectedVersion: r.isNull("expected_version") ? nil : try r.version("expected_version"))
        // [SYN-6]: a copy's stamp exceeds the stamp of the copy it replaces. The push only
        // lands when the stored version is `expected_version` (compare-and-swap), so checking
        // against it here checks against the stored copy. Versions are fixed-width lowercase
        // hex, so their text order is the order of (hlc, device id); an equal version is
        // refused too (only a rotation re-seals a copy at its version, [API-22]).
        if let expected = write.expectedVersion, !(expected.utf8.lexicographicallyPrecedes(write.version.utf8)) {
            throw .malformed("field '\(path).version' (\(write.version)) is not newer than the version it replaces (\(expected)): a write must carry a newer version (Protocol/sync.md, \"Pushing\")")
        }
        return write
    }

    /// `device_id`-keyed duplicates are refused: each record appears once per batch.
    static func requireDistinct(_ ids: [RecordID], what: String) throws(RelayError) {
        var seen = Set<RecordID>()
        for id in ids where !seen.insert(id).inserted {
            throw .malformed("\(what) names record \(id.hex) twice; send each record once")
        }
    }
}

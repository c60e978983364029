import TwofoldCrypto
import TwofoldProtocol

/// `roster/`: the roster payload (Protocol/crypto.md, "Roster").
///
/// Header: `account-id` and `record-id` (the roster's fixed id for it). On success:
/// `recovery-keys` and optional `passphrase-keys` (`<ed25519> <x25519>`), and one
/// `device: <device-id> <ed25519> <x25519> <added-ms> <name>` per device, in order.
/// Data: the payload (the plaintext of the kind-3 record), hex.
enum RosterVectors: VectorFamily {
    static let directory = "roster"
    typealias F = Fixtures

    static func device(_ id: DeviceID, _ label: String, _ added: UInt64, _ name: String) -> Roster.Device {
        Roster.Device(id: id, signingKey: F.signing(label).publicKey, boxKey: F.box(label).publicKey,
                      addedMilliseconds: added, name: name)
    }

    static let devices = [
        device(F.deviceA, "device-a", F.now - 86_400_000, "laptop"),
        device(F.deviceB, "device-b", F.now - 3_600_000, "phone (Pixel 8)"),
        device(F.deviceC, "device-c", F.now, "büro-pc"),
    ]
    static let recovery = RecoveryVectors.sampleKey.keyPairs.publicKeys
    static let passphrase = AccountPublicKeys(signingKey: F.signing("passphrase").publicKey, boxKey: F.box("passphrase").publicKey)
    static let roster = try! Roster(recovery: recovery, passphrase: passphrase, devices: devices)

    static func vector(_ name: String, _ expect: String, _ comment: String, payload: [UInt8], roster: Roster? = nil) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("account-id", F.account.hex), .init("record-id", Roster.recordID(account: F.account).hex)]
        if let roster {
            fields.append(.init("recovery-keys", "\(Hex.encode(roster.recovery.signingKey)) \(Hex.encode(roster.recovery.boxKey))"))
            if let p = roster.passphrase { fields.append(.init("passphrase-keys", "\(Hex.encode(p.signingKey)) \(Hex.encode(p.boxKey))")) }
            if let c = roster.recoveryCheck { fields.append(.init("recovery-check", Hex.encode(c))) }
            if let c = roster.passphraseCheck { fields.append(.init("passphrase-check", Hex.encode(c))) }
            fields += roster.devices.map {
                .init("device", "\($0.id.hex) \(Hex.encode($0.signingKey)) \(Hex.encode($0.boxKey)) \($0.addedMilliseconds) \($0.name)")
            }
        }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(payload))
    }

    /// The payload of `devices` written without any check, to build malformed rosters.
    static func raw(_ devices: [Roster.Device], flags: UInt8 = 1, version: UInt8 = 1, names: [[UInt8]]? = nil) -> [UInt8] {
        var out: [UInt8] = [version] + recovery.signingKey + recovery.boxKey + [flags]
        if flags == 1 { out += passphrase.signingKey + passphrase.boxKey }
        out += [UInt8(devices.count >> 8), UInt8(devices.count & 0xff)]
        for (i, d) in devices.enumerated() {
            let name = names?[i] ?? Array(d.name.utf8)
            out += d.id.bytes + d.signingKey + d.boxKey
            out += (0..<8).reversed().map { UInt8(truncatingIfNeeded: d.addedMilliseconds >> UInt64($0 * 8)) }
            out += [UInt8(name.count)] + name
        }
        return out
    }

    static func files() -> [VectorFile] {
        let sorted = roster.devices
        let single = try! Roster(recovery: recovery, passphrase: nil, devices: [devices[0]])
        let good = raw(sorted)
        // [CRY-20]: the check values of the sample recovery key and a passphrase master.
        let checked = try! Roster(recovery: RecoveryVectors.sampleKey.keyPairs.publicKeys, passphrase: passphrase, devices: sorted,
                                  recoveryCheck: RecoveryVectors.sampleKey.keyPairs.check,
                                  passphraseCheck: BLAKE2b.hash(Array("twofold/passphrase/check/v1".utf8), key: [UInt8](repeating: 0x5a, count: 32)))
        var cutChecks = checked.encoded()
        cutChecks.removeSubrange(130..<162)
        return [
            vector("with-checks", "success", "flags 3: passphrase keys, then the recovery and passphrase check values (sample recovery key)",
                   payload: checked.encoded(), roster: checked),
            vector("checks-truncated", "payload failure", "flags 3 with only one check value", payload: cutChecks),
            vector("three-devices", "success", "three devices sorted by id, with passphrase keys", payload: roster.encoded(), roster: roster),
            vector("one-device", "success", "a new account: one device, no passphrase (flags 0)", payload: single.encoded(), roster: single),
            vector("unsorted", "payload failure", "devices not in ascending id order", payload: raw([sorted[1], sorted[0], sorted[2]])),
            vector("duplicate", "payload failure", "one device listed twice", payload: raw([sorted[0], sorted[0], sorted[1]])),
            vector("no-devices", "payload failure", "a roster with no device", payload: raw([])),
            vector("trailing-byte", "payload failure", "one byte after the last device", payload: good + [0]),
            vector("truncated", "payload failure", "the last device's name cut short", payload: Array(good.dropLast())),
            vector("flags-4", "payload failure", "an unknown flag bit", payload: raw(sorted, flags: 4)),
            vector("version-2", "unsupported version", "payload format byte 0x02", payload: raw(sorted, version: 2)),
            vector("empty-name", "payload failure", "a device with an empty name", payload: raw(sorted, names: [[], Array("b".utf8), Array("c".utf8)])),
            vector("name-control", "payload failure", "a device name with a line feed",
                   payload: raw(sorted, names: [Array("a\nb".utf8), Array("b".utf8), Array("c".utf8)])),
            vector("name-not-utf8", "payload failure", "a device name that is not UTF-8",
                   payload: raw(sorted, names: [[0xc3, 0x28], Array("b".utf8), Array("c".utf8)])),
            vector("name-65-bytes", "payload failure", "a device name one byte too long",
                   payload: raw(sorted, names: [[UInt8](repeating: 0x61, count: 65), Array("b".utf8), Array("c".utf8)])),
        ]
    }
}

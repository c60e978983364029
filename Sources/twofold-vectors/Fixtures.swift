import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol

/// Deterministic "random" bytes: `randombytes_buf_deterministic(count, seed)` with
/// `seed = BLAKE2b-256("twofold/vectors/" || label)` (Protocol/vectors/README.md).
enum Seed {
    static func bytes(_ label: String, _ count: Int = 32) -> [UInt8] {
        DeterministicRandom.bytes(count, seed: BLAKE2b.hash(Array("twofold/vectors/\(label)".utf8), outputLength: 32))
    }
}

/// Accounts, devices, keys and records shared by the families.
enum Fixtures {
    static let account = try! AccountID(bytes: Seed.bytes("account-id", 16))
    static let otherAccount = try! AccountID(bytes: Seed.bytes("other-account-id", 16))
    static let deviceA = try! DeviceID(bytes: Seed.bytes("device-a", 16))
    static let deviceB = try! DeviceID(bytes: Seed.bytes("device-b", 16))
    static let deviceC = try! DeviceID(bytes: Seed.bytes("device-c", 16))
    static let vaultKey1 = Seed.bytes("vault-key/epoch-1")
    static let vaultKey2 = Seed.bytes("vault-key/epoch-2")

    /// 2026-01-01T00:00:00Z in Unix milliseconds: the clock of every vector.
    static let now: UInt64 = 1_767_225_600_000

    /// `(ms << 16) | logical`.
    static func hlc(_ ms: UInt64, _ logical: UInt64 = 0) -> UInt64 { ms << 16 | logical }

    static func signing(_ label: String) -> Ed25519KeyPair { .fromSeed(SecureBytes(Seed.bytes("ed25519/\(label)"))) }
    static func box(_ label: String) -> X25519KeyPair { .fromSeed(SecureBytes(Seed.bytes("x25519/\(label)"))) }

    static let totp = OTPToken(
        kind: .totp, secret: Seed.bytes("totp-secret", 20), issuer: "GitHub", account: "alice@example.com",
        tags: ["work", "code"])
    static let hotp = OTPToken(
        kind: .hotp, secret: Seed.bytes("hotp-secret", 32), issuer: "Example Bank", account: "alice",
        algorithm: .sha256, digits: 8, counter: 5, note: "card reader")
    static let steam = OTPToken(
        kind: .steam, secret: Seed.bytes("steam-secret", 20), issuer: "Steam", account: "alice_gamer",
        note: String(repeating: "A long note that pushes the payload past 256 bytes. ", count: 8))

    static func header(
        id: RecordID, kind: RecordKind, hlc: UInt64, device: DeviceID = deviceA, epoch: UInt32 = 1,
        deleted: Bool = false, account: AccountID = account
    ) -> RecordHeader {
        RecordHeader(account: account, id: id, kind: kind, version: RecordVersion(hlc: hlc, device: device),
                     epoch: epoch, deleted: deleted)
    }

    /// Seals exactly as Protocol/crypto.md "Sealed record" says, with a nonce from `nonceLabel`:
    /// an independent writer, so the vectors check `RecordCipher.open` against the spec.
    static func seal(_ payload: [UInt8], _ header: RecordHeader, key: [UInt8], nonceLabel: String) -> SealedRecord {
        var bucket = 256
        while bucket < payload.count + 1 { bucket <<= 1 }
        return sealPadded(Padding.pad(payload, blockSize: bucket), header, key: key, nonceLabel: nonceLabel)
    }

    /// Seals already padded (or deliberately mispadded) bytes.
    static func sealPadded(_ padded: [UInt8], _ header: RecordHeader, key: [UInt8], nonceLabel: String) -> SealedRecord {
        let nonce = Seed.bytes("nonce/\(nonceLabel)", 24)
        let body = try! XChaCha20Poly1305.seal(padded, associatedData: header.associatedData, nonce: nonce, key: SecureBytes(key))
        return SealedRecord(header: header, sealed: [0x01] + nonce + body)
    }

    /// The header lines that describe a record's metadata.
    static func fields(_ h: RecordHeader) -> [VectorFile.Field] {
        [
            .init("account-id", h.account.hex), .init("record-id", h.id.hex), .init("kind", "\(h.kind.rawValue)"),
            .init("hlc", hex16(h.version.hlc)), .init("device-id", h.version.device.hex),
            .init("epoch", "\(h.epoch)"), .init("deleted", h.deleted ? "1" : "0"),
        ]
    }

    /// A record's metadata on one line: `record-id kind hlc device-id epoch deleted`.
    static func line(_ h: RecordHeader) -> String {
        "\(h.id.hex) \(h.kind.rawValue) \(hex16(h.version.hlc)) \(h.version.device.hex) \(h.epoch) \(h.deleted ? 1 : 0)"
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// A file with `expect` and `comment` first.
    static func file(_ path: String, _ expect: String, _ comment: String, _ fields: [VectorFile.Field], data: String) -> VectorFile {
        VectorFile(path: path, fields: [.init("expect", expect), .init("comment", comment)] + fields, data: data)
    }
}

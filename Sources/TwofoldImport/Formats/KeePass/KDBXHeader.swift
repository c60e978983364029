import Foundation

/// The outer header of a KDBX 4.0/4.1 database (KeePass "KDBX 4" file format).
///
/// `sig1 sig2 minor major` (little-endian), then fields `id:u8 length:u32 data` up to
/// field 0, then SHA-256 of those bytes and their HMAC-SHA256. Field 2 is the cipher, 3
/// compression, 4 the master seed, 7 the IV, 11 the KDF parameters (a VariantMap).
struct KDBXHeader {
    static let signature: [UInt8] = [0x03, 0xD9, 0xA2, 0x9A, 0x67, 0xFB, 0x4B, 0xB5]

    enum Cipher { case aes256, chacha20 }
    enum KDF {
        case aes(rounds: UInt64, seed: [UInt8])
        case argon2(id: Bool, salt: [UInt8], parallelism: UInt32, memory: UInt64, iterations: UInt64,
                    version: UInt32, secret: [UInt8], associated: [UInt8])
    }

    var minor: UInt16
    var cipher: Cipher
    var gzip: Bool
    var masterSeed: [UInt8]
    var iv: [UInt8]
    var kdf: KDF
    /// The header's bytes, which its hash and HMAC cover.
    var bytes: ArraySlice<UInt8>
    var sha256: ArraySlice<UInt8>
    var hmac: ArraySlice<UInt8>
    /// Where the block stream starts.
    var payloadStart: Int

    static let aesUUID: [UInt8] = hex("31c1f2e6bf714350be5805216afc5aff")
    static let chachaUUID: [UInt8] = hex("d6038a2b8b6f4cb5a524339a31dbb59a")
    static let twofishUUID: [UInt8] = hex("ad68f29f576f4bb9a36ad47af965346c")
    static let aesKDF3UUID: [UInt8] = hex("c9d9f39a628a4460bf740d08c18a4fea")
    static let aesKDF4UUID: [UInt8] = hex("7c02bb8279a74ac0927d114a00648238")
    static let argon2dUUID: [UInt8] = hex("ef636ddf8c29444b91f7a9a403e30a0c")
    static let argon2idUUID: [UInt8] = hex("9e298b1956db4773b23dfc3ec6f0a1e6")

    static func hex(_ text: String) -> [UInt8] { ByteEncoding.hex(text) ?? [] }

    static func parse(_ file: [UInt8]) throws(ImportError) -> KDBXHeader {
        var reader = ByteReader(file)
        guard let sig = reader.take(8), sig.elementsEqual(signature) else {
            throw .malformed(.kdbx, reason: "it does not start with the KDBX signature")
        }
        guard let minor = reader.u16(), let major = reader.u16() else { throw truncated }
        if major == 3 || major == 2 {
            throw .unsupportedVersion(
                .kdbx, version: "\(major).\(minor) (keepassxc-cli writes it for AES-KDF databases); in KeePassXC choose "
                    + "Database Settings › Encryption › KDBX 4 and save, or import the XML of `keepassxc-cli export --format xml`")
        }
        guard major == 4, minor <= 1 else { throw .unsupportedVersion(.kdbx, version: "\(major).\(minor)") }
        var cipher: Cipher?, gzip = false, seed: [UInt8]?, iv: [UInt8]?, kdfMap: [String: KDBXVariant]?
        while true {
            guard let id = reader.u8(), let length = reader.u32() else { throw truncated }
            guard let data = reader.take(Int(length)) else { throw truncated }
            switch id {
            case 0: break
            case 2:
                if data.elementsEqual(aesUUID) { cipher = .aes256 }
                else if data.elementsEqual(chachaUUID) { cipher = .chacha20 }
                else if data.elementsEqual(twofishUUID) {
                    throw .unsupportedEncryption(.kdbx, detail: "it uses Twofish; in KeePassXC choose AES-256 or ChaCha20 in Database Settings › Encryption and save")
                } else {
                    throw .unsupportedEncryption(.kdbx, detail: "it uses an unknown cipher; choose AES-256 or ChaCha20 and save")
                }
            case 3:
                guard data.count == 4, data[data.startIndex] <= 1 else { throw .malformed(.kdbx, reason: "unknown compression") }
                gzip = data[data.startIndex] == 1
            case 4: seed = Array(data)
            case 7: iv = Array(data)
            case 11: kdfMap = try KDBXVariant.map(Array(data))
            default: continue  // public custom data (12) and fields newer readers ignore
            }
            if id == 0 { break }
        }
        let end = reader.offset
        guard let sha = reader.take(32), let mac = reader.take(32) else { throw truncated }
        guard let cipher else { throw .malformed(.kdbx, reason: "the header names no cipher") }
        guard let seed, seed.count == 32 else { throw .malformed(.kdbx, reason: "the master seed is missing or not 32 bytes") }
        guard let iv, iv.count == (cipher == .aes256 ? 16 : 12) else {
            throw .malformed(.kdbx, reason: "the encryption IV is missing or of the wrong length")
        }
        guard let kdfMap else { throw .malformed(.kdbx, reason: "the header has no KDF parameters") }
        return KDBXHeader(
            minor: minor, cipher: cipher, gzip: gzip, masterSeed: seed, iv: iv, kdf: try kdf(kdfMap),
            bytes: file[0..<end], sha256: sha, hmac: mac, payloadStart: reader.offset)
    }

    static var truncated: ImportError { .malformed(.kdbx, reason: "the header is truncated") }

    private static func kdf(_ map: [String: KDBXVariant]) throws(ImportError) -> KDF {
        guard case .bytes(let uuid)? = map["$UUID"] else { throw .malformed(.kdbx, reason: "the KDF has no $UUID") }
        func bytes(_ key: String) throws(ImportError) -> [UInt8] {
            guard case .bytes(let value)? = map[key] else { throw .malformed(.kdbx, reason: "KDF parameter \(key) is missing") }
            return value
        }
        func number(_ key: String) throws(ImportError) -> UInt64 {
            guard case .number(let value)? = map[key] else { throw .malformed(.kdbx, reason: "KDF parameter \(key) is missing") }
            return value
        }
        if uuid == aesKDF3UUID || uuid == aesKDF4UUID {
            return .aes(rounds: try number("R"), seed: try bytes("S"))
        }
        if uuid == argon2dUUID || uuid == argon2idUUID {
            let secret: [UInt8], associated: [UInt8]
            if case .bytes(let k)? = map["K"] { secret = k } else { secret = [] }
            if case .bytes(let a)? = map["A"] { associated = a } else { associated = [] }
            let p = try number("P"), v = try number("V")
            guard p <= UInt64(UInt32.max), v <= UInt64(UInt32.max) else { throw .malformed(.kdbx, reason: "Argon2 P or V out of range") }
            return .argon2(
                id: uuid == argon2idUUID, salt: try bytes("S"), parallelism: UInt32(p), memory: try number("M"),
                iterations: try number("I"), version: UInt32(v), secret: secret, associated: associated)
        }
        throw .unsupportedEncryption(.kdbx, detail: "it uses an unknown key derivation; choose Argon2 or AES-KDF in KeePassXC and save")
    }
}

/// Little-endian reads over a byte array; nil when the bytes run out.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }
    var atEnd: Bool { offset >= bytes.count }
    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, n <= bytes.count - offset else { return nil }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
    mutating func u8() -> UInt8? { take(1)?.first }
    mutating func u16() -> UInt16? { take(2).map { UInt16(littleEndian: $0) } }
    mutating func u32() -> UInt32? { take(4).map { UInt32(littleEndian: $0) } }
    mutating func u64() -> UInt64? { take(8).map { UInt64(littleEndian: $0) } }
}

extension FixedWidthInteger {
    /// The integer stored little-endian in `bytes` (exactly its size).
    init(littleEndian bytes: ArraySlice<UInt8>) {
        var value: Self = 0
        for (i, b) in bytes.enumerated() { value |= Self(b) << (8 * i) }
        self = value
    }

    var littleEndianBytes: [UInt8] { (0..<(Self.bitWidth / 8)).map { UInt8(truncatingIfNeeded: self >> (8 * $0)) } }
}

/// One value of a KDBX VariantMap (KDF parameters): numbers, booleans, strings, bytes.
enum KDBXVariant: Equatable {
    case number(UInt64)
    case bytes([UInt8])

    static func map(_ data: [UInt8]) throws(ImportError) -> [String: KDBXVariant] {
        var reader = ByteReader(data)
        let bad = ImportError.malformed(.kdbx, reason: "the KDF parameters are malformed")
        guard let version = reader.u16(), version >> 8 == 1 else { throw bad }
        var map: [String: KDBXVariant] = [:]
        while true {
            guard let type = reader.u8() else { throw bad }
            if type == 0 { return map }
            guard map.count < 64, let keyLength = reader.u32(), let key = reader.take(Int(keyLength)),
                let valueLength = reader.u32(), let value = reader.take(Int(valueLength))
            else { throw bad }
            let name = String(decoding: key, as: UTF8.self)
            switch type {
            case 0x04, 0x0C: guard value.count == 4 else { throw bad }; map[name] = .number(UInt64(UInt32(littleEndian: value)))
            case 0x05, 0x0D: guard value.count == 8 else { throw bad }; map[name] = .number(UInt64(littleEndian: value))
            case 0x08: guard value.count == 1 else { throw bad }; map[name] = .number(UInt64(value[value.startIndex]))
            case 0x18, 0x42: map[name] = .bytes(Array(value))
            default: throw bad
            }
        }
    }
}

import TwofoldCrypto
import TwofoldProtocol

/// `passphrase/`: the optional account passphrase (Protocol/crypto.md, "Account passphrase").
///
/// Header: `passphrase-utf8` (the passphrase's UTF-8 bytes as typed, hex: files cannot
/// be trusted to keep a Unicode normalisation), `salt`, `ops-limit`, `mem-limit`, and on
/// success `master-key`, `ed25519-public-key`, `x25519-public-key`. `decoy-*` files
/// instead give `relay-secret` and `account-id` and expect `salt`. No data.
enum PassphraseVectors: VectorFamily {
    static let directory = "passphrase"
    typealias F = Fixtures

    /// Cheap enough for every test run; readers accept any cost up to the ceiling.
    static let cheap = Argon2id.Cost(opsLimit: 2, memLimit: 64 * 1024)
    static let salt = Seed.bytes("passphrase/salt", 16)

    static func vector(_ name: String, _ comment: String, passphrase: [UInt8], cost: Argon2id.Cost, expect: String = "success") -> VectorFile {
        var fields: [VectorFile.Field] = [
            .init("passphrase-utf8", Hex.encode(passphrase)), .init("salt", Hex.encode(salt)),
            .init("ops-limit", "\(cost.opsLimit)"), .init("mem-limit", "\(cost.memLimit)"),
        ]
        if expect == "success" {
            let parameters = try! PassphraseParameters(salt: salt, cost: cost)
            let text = String(decoding: passphrase, as: UTF8.self)
            let master = try! parameters.masterKey(passphrase: text)
            let pairs = try! parameters.keyPairs(passphrase: text)
            fields += [
                .init("master-key", Hex.encode(master.copyBytes())),
                .init("ed25519-public-key", Hex.encode(pairs.signing.publicKey)),
                .init("x25519-public-key", Hex.encode(pairs.box.publicKey)),
            ]
        }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: "")
    }

    static func files() -> [VectorFile] {
        let secret = SecureBytes(Seed.bytes("passphrase/relay-secret"))
        let decoy = PassphraseParameters.decoy(for: F.account, relaySecret: secret)
        return [
            vector("moderate", "libsodium MODERATE cost (3 passes, 256 MiB): the minimum a writer uses",
                   passphrase: Array("correct horse battery staple".utf8), cost: .moderate),
            vector("cheap", "a cheap cost (2 passes, 64 KiB) so tests stay fast; readers do not refuse low costs",
                   passphrase: Array("correct horse battery staple".utf8), cost: cheap),
            vector("nfc-composed", "'Crème brûlée' typed precomposed (NFC)",
                   passphrase: Array("Cr\u{E8}me br\u{FB}l\u{E9}e".utf8), cost: cheap),
            vector("nfd-decomposed", "the same passphrase typed decomposed (NFD): normalised to NFC, so the same keys",
                   passphrase: Array("Cre\u{300}me bru\u{302}le\u{301}e".utf8), cost: cheap),
            vector("cost-too-high", "parse failure", passphrase: Array("x".utf8),
                   cost: Argon2id.Cost(opsLimit: 3, memLimit: 1 << 40), expect: "parse failure")
                .withComment("1 TiB of memory: above the ceiling (4 × SENSITIVE), refused before any work"),
            F.file("\(directory)/decoy-salt", "success",
                   "what a relay answers for an unknown account: salt = BLAKE2b-128(\"twofold/decoy-salt/v1\" || account_id, key = relay secret), MODERATE cost",
                   [.init("relay-secret", Hex.encode(secret.copyBytes())), .init("account-id", F.account.hex),
                    .init("salt", Hex.encode(decoy.salt)), .init("ops-limit", "\(decoy.cost.opsLimit)"),
                    .init("mem-limit", "\(decoy.cost.memLimit)")], data: ""),
        ]
    }
}

extension VectorFile {
    /// A copy with its `comment` replaced.
    func withComment(_ comment: String) -> VectorFile {
        var copy = self
        copy.fields = fields.map { $0.key == "comment" ? .init("comment", comment) : $0 }
        return copy
    }
}

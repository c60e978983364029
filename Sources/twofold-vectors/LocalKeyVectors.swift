@_spi(TestVectors) import TwofoldProtocol
import Foundation
import TwofoldCrypto

/// `local/`: keys at rest on a device (Protocol/crypto.md, "Local key wrapping").
///
/// `wrapped-vk-*`: header `kek`, `account-id`, `epoch`, on success `vault-key`; data the
/// wrapped key, hex. `key-file-*`: header `key` on success; data the file's bytes, hex.
/// `kek-passphrase`: header `passphrase-utf8`, `salt`, `ops-limit`, `mem-limit`, `kek`; no data.
enum LocalKeyVectors: VectorFamily {
    static let directory = "local"
    typealias F = Fixtures

    static let kek = Seed.bytes("local/kek")

    static func wrapped(_ name: String, _ expect: String, _ comment: String, bytes: [UInt8],
                        kek: [UInt8] = kek, epoch: UInt32 = 1, account: AccountID = F.account, vaultKey: [UInt8]? = nil) -> VectorFile {
        var fields: [VectorFile.Field] = [.init("kek", Hex.encode(kek)), .init("account-id", account.hex), .init("epoch", "\(epoch)")]
        if let vaultKey { fields.append(.init("vault-key", Hex.encode(vaultKey))) }
        return F.file("\(directory)/\(name)", expect, comment, fields, data: VectorFile.hex(bytes))
    }

    static func keyFile(_ name: String, _ expect: String, _ comment: String, text: String, key: [UInt8]? = nil) -> VectorFile {
        F.file("\(directory)/\(name)", expect, comment, key.map { [.init("key", Hex.encode($0))] } ?? [], data: VectorFile.hex(Array(text.utf8)))
    }

    static func files() -> [VectorFile] {
        let good = try! WrappedVaultKey.wrap(SecureBytes(F.vaultKey1), account: F.account, epoch: 1,
                                             kek: SecureBytes(kek), nonce: Seed.bytes("local/nonce", 24))
        var v2 = good
        v2[0] = 2
        let fileKey = Seed.bytes("local/file-key")
        let text = LocalKey.fileContents(SecureBytes(fileKey))
        // The last Base64 character before "=" carries 2 unused bits; setting them gives a
        // string that decodes to the same bytes but is not canonical.
        var chars = Array(text)
        let last = chars.count - 3
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        chars[last] = alphabet[alphabet.firstIndex(of: chars[last])! | 1]
        let parameters = try! PassphraseParameters(salt: Seed.bytes("local/salt", 16), cost: PassphraseVectors.cheap)
        let derived = try! LocalKey.derive(passphrase: "local passphrase", parameters: parameters)
        return [
            wrapped("wrapped-vk", "success", "epoch 1's vault key wrapped by the local KEK", bytes: good, vaultKey: F.vaultKey1),
            wrapped("wrapped-vk-wrong-kek", "authentication failure", "unwrapped with another KEK", bytes: good, kek: Seed.bytes("local/other-kek")),
            wrapped("wrapped-vk-other-epoch", "authentication failure", "the reader asks for epoch 2", bytes: good, epoch: 2),
            wrapped("wrapped-vk-other-account", "authentication failure", "the reader asks for another account", bytes: good, account: F.otherAccount),
            wrapped("wrapped-vk-version-2", "unsupported version", "format byte 0x02", bytes: v2),
            wrapped("wrapped-vk-truncated", "parse failure", "one byte short of 73", bytes: Array(good.dropLast())),
            keyFile("key-file", "success", "a no-passphrase key file: prefix, padded standard Base64, newline", text: text, key: fileKey),
            keyFile("key-file-no-newline", "parse failure", "the final newline missing", text: String(text.dropLast())),
            keyFile("key-file-wrong-prefix", "parse failure", "a v2 prefix", text: text.replacingOccurrences(of: "-v1:", with: "-v2:")),
            keyFile("key-file-noncanonical", "parse failure", "unused Base64 bits set: decodes, but is not the canonical form", text: String(chars)),
            keyFile("key-file-short", "parse failure", "31 bytes of key",
                    text: LocalKey.filePrefix + Data(fileKey.dropLast()).base64EncodedString() + "\n"),
            F.file("\(directory)/kek-passphrase", "success", "the KEK derived from a local passphrase (cheap cost; writers use MODERATE)", [
                .init("passphrase-utf8", Hex.encode(Array("local passphrase".utf8))),
                .init("salt", Hex.encode(parameters.salt)), .init("ops-limit", "\(parameters.cost.opsLimit)"),
                .init("mem-limit", "\(parameters.cost.memLimit)"), .init("kek", Hex.encode(derived.copyBytes())),
            ], data: ""),
        ]
    }
}

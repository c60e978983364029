import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `local/`: wrapped vault keys, key files and the passphrase KEK.
enum LocalKeyVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        let name = file.path.split(separator: "/").last.map(String.init) ?? ""
        do {
            if name.hasPrefix("wrapped-vk") {
                let key = try WrappedVaultKey.unwrap(
                    try file.dataBytes(), account: try AccountID(hex: try file.string("account-id")),
                    epoch: try file.number("epoch"), kek: try file.secret("kek"))
                #expect(key.copyBytes() == (try file.hex("vault-key")), "\(file.path): vault key")
            } else if name.hasPrefix("key-file") {
                let text = String(decoding: try file.dataBytes(), as: UTF8.self)
                let key = try LocalKey.parseFile(text)
                #expect(key.copyBytes() == (try file.hex("key")), "\(file.path): key")
                #expect(LocalKey.fileContents(key) == text, "\(file.path): re-encoding")
            } else if name.hasPrefix("kek-passphrase") {
                let parameters = try PassphraseParameters(
                    salt: try file.hex("salt"), cost: Argon2id.Cost(opsLimit: try file.number("ops-limit"), memLimit: try file.number("mem-limit")))
                let passphrase = String(decoding: try file.hex("passphrase-utf8"), as: UTF8.self)
                let kek = try LocalKey.derive(passphrase: passphrase, parameters: parameters)
                #expect(kek.copyBytes() == (try file.hex("kek")), "\(file.path): kek")
            } else {
                throw VectorFileError(description: "\(file.path): unknown local/ scenario")
            }
            return "success"
        } catch let error as VectorFileError {
            throw error
        } catch {
            return Layer.of(error)
        }
    }
}

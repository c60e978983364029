import Testing
import TwofoldCrypto
import TwofoldProtocol

/// `recovery/` and `passphrase/` (Protocol/crypto.md, "Recovery key", "Account passphrase").
enum RecoveryVectorChecks {
    @Sendable static func check(_ file: VectorFile) throws -> String {
        do {
            let key = try RecoveryKey(words: file.data)
            #expect(key.secret.copyBytes() == (try file.hex("key")), "\(file.path): key")
            let typed = file.data.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
            #expect(key.words == typed, "\(file.path): words do not re-encode to what was typed")
            let pairs = key.keyPairs
            #expect(Hex.encode(pairs.signing.publicKey) == (try file.string("ed25519-public-key")), "\(file.path): ed25519")
            #expect(Hex.encode(pairs.box.publicKey) == (try file.string("x25519-public-key")), "\(file.path): x25519")
            return "success"
        } catch ProtocolError.unknownRecoveryWord(let position, let word) {
            #expect("\(position)" == file["bad-position"], "\(file.path): position")
            #expect(word == file["bad-word"], "\(file.path): word")
            return "word failure"
        } catch {
            return Layer.of(error)
        }
    }

    @Sendable static func checkPassphrase(_ file: VectorFile) throws -> String {
        if let secret = file["relay-secret"] {
            let decoy = PassphraseParameters.decoy(for: try AccountID(hex: try file.string("account-id")),
                                                   relaySecret: SecureBytes(Hex.decode(secret) ?? []))
            #expect(Hex.encode(decoy.salt) == (try file.string("salt")), "\(file.path): salt")
            let ops: UInt64 = try file.number("ops-limit")
            let mem: UInt64 = try file.number("mem-limit")
            #expect(decoy.cost == Argon2id.Cost(opsLimit: ops, memLimit: mem), "\(file.path): cost")
            return "success"
        }
        do {
            let parameters = try PassphraseParameters(
                salt: try file.hex("salt"), cost: Argon2id.Cost(opsLimit: try file.number("ops-limit"), memLimit: try file.number("mem-limit")))
            let passphrase = String(decoding: try file.hex("passphrase-utf8"), as: UTF8.self)
            let master = try parameters.masterKey(passphrase: passphrase)
            #expect(master.copyBytes() == (try file.hex("master-key")), "\(file.path): master key")
            let pairs = AccountKeyPairs(master: master, labels: .passphrase)
            #expect(Hex.encode(pairs.signing.publicKey) == (try file.string("ed25519-public-key")), "\(file.path): ed25519")
            #expect(Hex.encode(pairs.box.publicKey) == (try file.string("x25519-public-key")), "\(file.path): x25519")
            return "success"
        } catch let error as VectorFileError {
            throw error
        } catch {
            return Layer.of(error)
        }
    }
}

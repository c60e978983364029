import Testing
import TwofoldCrypto

@Suite struct Argon2idTests {
    let cheap = Argon2id.Cost(opsLimit: 2, memLimit: 64 * 1024)
    let salt = [UInt8](repeating: 0x5a, count: 16)

    @Test func deterministicAndSaltSensitive() throws {
        let a = try Argon2id.deriveKey(passphrase: "correct horse", salt: salt, cost: cheap)
        let b = try Argon2id.deriveKey(passphrase: "correct horse", salt: salt, cost: cheap)
        let c = try Argon2id.deriveKey(passphrase: "correct horse", salt: [UInt8](repeating: 0x5b, count: 16), cost: cheap)
        let d = try Argon2id.deriveKey(passphrase: "correct horsE", salt: salt, cost: cheap)
        #expect(a == b)
        #expect(a != c && a != d)
        #expect(a.count == 32)
    }

    @Test func costMatters() throws {
        let a = try Argon2id.deriveKey(passphrase: "x", salt: salt, cost: cheap)
        let b = try Argon2id.deriveKey(passphrase: "x", salt: salt, cost: Argon2id.Cost(opsLimit: 3, memLimit: 64 * 1024))
        #expect(a != b)
    }

    @Test func badSaltAndInsaneCostAreRefused() {
        #expect(throws: CryptoError.invalidLength(what: "Argon2id salt", expected: 16, actual: 8)) {
            try Argon2id.deriveKey(passphrase: "x", salt: [UInt8](repeating: 0, count: 8), cost: cheap)
        }
        #expect(throws: CryptoError.keyDerivationFailed) {
            try Argon2id.deriveKey(passphrase: "x", salt: salt, cost: Argon2id.Cost(opsLimit: 3, memLimit: 1 << 40))
        }
    }

    @Test func moderateIsTheMinimum() {
        #expect(Argon2id.Cost.moderate.meetsMinimum)
        #expect(Argon2id.Cost.moderate == Argon2id.Cost(opsLimit: 3, memLimit: 256 << 20))
        #expect(!cheap.meetsMinimum)
        #expect(Argon2id.Cost.sensitive.isSane && cheap.isSane)
    }
}

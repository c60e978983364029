import CArgon2
import Crypto
import _CryptoExtras
import Foundation

/// The keys of a KDBX 4 database from its password (KeePass "KDBX 4" format, "Key
/// derivation"): composite key `SHA-256(SHA-256(password))`, transformed by the header's
/// KDF (Argon2d/Argon2id, or AES-KDF rounds), whose costs are checked first.
enum KDBXKey {
    /// Most Argon2 memory accepted: 1 GiB (KeePassXC's default is 64 MiB).
    static let maxArgon2MemoryBytes: UInt64 = fuzzing ? 1 << 20 : 1 << 30
    /// Most Argon2 iterations (KeePassXC benchmarks one second, typically 10–40).
    static let maxArgon2Iterations: UInt64 = fuzzing ? 2 : 1_000
    /// Most Argon2 lanes (KeePassXC uses twice the cores).
    static let maxArgon2Parallelism: UInt32 = 64
    /// Most AES-KDF rounds: 100 million, about 15 s (KeePassXC's one-second benchmark
    /// gives a few million).
    static let maxAESRounds: UInt64 = fuzzing ? 10_000 : 100_000_000

    /// The fuzz build (`-DFUZZING`) keeps KDF costs tiny so the fuzzer explores parsing.
    #if FUZZING
    static let fuzzing = true
    #else
    static let fuzzing = false
    #endif

    /// The transformed key (32 bytes).
    static func transformed(password: String, kdf: KDBXHeader.KDF) throws(ImportError) -> [UInt8] {
        let composite = Array(SHA256.hash(data: Array(SHA256.hash(data: Array(password.utf8)))))
        switch kdf {
        case .aes(let rounds, let seed):
            guard seed.count == 32 else { throw .malformed(.kdbx, reason: "the AES-KDF seed is not 32 bytes") }
            guard rounds <= maxAESRounds else {
                throw .keyDerivationTooCostly(.kdbx, detail: "AES-KDF with \(rounds) rounds; the limit is \(maxAESRounds)")
            }
            return try aesKDF(composite, seed: seed, rounds: Int(rounds))
        case .argon2(let id, let salt, let parallelism, let memory, let iterations, let version, let secret, let associated):
            guard memory <= maxArgon2MemoryBytes, iterations <= maxArgon2Iterations, parallelism <= maxArgon2Parallelism else {
                throw .keyDerivationTooCostly(
                    .kdbx, detail: "Argon2 with \(memory >> 20) MiB, \(iterations) iterations, parallelism \(parallelism); "
                        + "the limits are \(maxArgon2MemoryBytes >> 20) MiB, \(maxArgon2Iterations) iterations, parallelism \(maxArgon2Parallelism)")
            }
            guard version == 0x10 || version == 0x13, (8...1024).contains(salt.count), parallelism >= 1, iterations >= 1,
                memory / 1024 >= 8 * UInt64(parallelism), secret.count <= 1024, associated.count <= 1024
            else { throw .malformed(.kdbx, reason: "the Argon2 parameters are invalid") }
            return try argon2(composite, id: id, salt: salt, lanes: parallelism, kib: UInt32(memory / 1024),
                              iterations: UInt32(iterations), version: version, secret: secret, associated: associated)
        }
    }

    /// AES-KDF: each 16-byte half of the key AES-256-ECB-encrypted `rounds` times under
    /// `seed`, then SHA-256. Encrypting zeros in CBC mode with the block as IV yields
    /// E(b), E(E(b)), …, so chunks of CBC compute the rounds at BoringSSL's speed.
    private static func aesKDF(_ key: [UInt8], seed: [UInt8], rounds: Int) throws(ImportError) -> [UInt8] {
        let aesKey = SymmetricKey(data: seed)
        var out: [UInt8] = []
        do {
            for half in [key[0..<16], key[16..<32]] {
                var block = Array(half)
                var left = rounds
                while left > 0 {
                    let n = min(left, 65_536)
                    let chunk = try AES._CBC.encrypt(
                        [UInt8](repeating: 0, count: n * 16), using: aesKey, iv: AES._CBC.IV(ivBytes: block), noPadding: true)
                    block = Array(chunk.suffix(16))
                    left -= n
                }
                out += block
            }
        } catch {
            throw .malformed(.kdbx, reason: "AES-KDF failed")
        }
        return Array(SHA256.hash(data: out))
    }

    static func argon2(
        _ password: [UInt8], id: Bool, salt: [UInt8], lanes: UInt32, kib: UInt32, iterations: UInt32,
        version: UInt32, secret: [UInt8], associated: [UInt8]
    ) throws(ImportError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var password = password, salt = salt, secret = secret, associated = associated
        let status: Int32 = out.withUnsafeMutableBufferPointer { o in
            password.withUnsafeMutableBufferPointer { p in
                salt.withUnsafeMutableBufferPointer { s in
                    secret.withUnsafeMutableBufferPointer { k in
                        associated.withUnsafeMutableBufferPointer { a in
                            var context = argon2_context()
                            context.out = o.baseAddress
                            context.outlen = 32
                            context.pwd = p.baseAddress
                            context.pwdlen = UInt32(p.count)
                            context.salt = s.baseAddress
                            context.saltlen = UInt32(s.count)
                            context.secret = k.isEmpty ? nil : k.baseAddress
                            context.secretlen = UInt32(k.count)
                            context.ad = a.isEmpty ? nil : a.baseAddress
                            context.adlen = UInt32(a.count)
                            context.t_cost = iterations
                            context.m_cost = kib
                            context.lanes = lanes
                            context.threads = min(lanes, 4)
                            context.version = version
                            context.flags = 0  // ARGON2_DEFAULT_FLAGS: keep nothing, clear nothing extra
                            return argon2_ctx(&context, id ? Argon2_id : Argon2_d)
                        }
                    }
                }
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw .malformed(.kdbx, reason: "Argon2 failed: \(String(cString: argon2_error_message(status)))")
        }
        return out
    }
}

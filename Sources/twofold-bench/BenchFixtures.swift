import Foundation
import TwofoldCrypto
import TwofoldOTP
import TwofoldVault

/// Fixtures and probes for the benchmarks (scripts/bench-*):
///
/// - `twofold-bench make-vault HOME COUNT` builds a `--no-passphrase` vault of COUNT random
///   tokens in one transaction, as a fixture for the CLI benchmarks (scripts/bench-code,
///   scripts/bench-sync-bytes, scripts/bench-restore). It uses the real vault code, so the
///   records are exactly what `twofold add` writes.
/// - `twofold-bench kdf OPS MEM_BYTES` runs Argon2id once (TwofoldCrypto's `Argon2id`, the
///   function the account passphrase goes through) at that cost with a random salt and
///   prints the wall time in milliseconds (scripts/bench-restore: the deliberate cost of a
///   passphrase restore, reported apart from the rest).
@main
enum BenchFixtures {
    static func main() throws {
        let args = CommandLine.arguments
        if args.count == 4, args[1] == "make-vault", let count = Int(args[3]), count > 0 {
            try makeVault(home: args[2], count: count)
        } else if args.count == 4, args[1] == "kdf", let ops = UInt64(args[2]), let mem = UInt64(args[3]) {
            try kdf(cost: Argon2id.Cost(opsLimit: ops, memLimit: mem))
        } else {
            FileHandle.standardError.write(Data("usage: twofold-bench make-vault HOME COUNT | twofold-bench kdf OPS MEM_BYTES\n".utf8))
            exit(2)
        }
    }

    static func makeVault(home: String, count: Int) throws {
        let vault = try Vault.create(home: VaultHome(path: home), passphrase: nil)
        let issuers = ["GitHub", "Google", "AWS", "Dropbox", "Slack", "GitLab", "Fastmail", "Proton", "Okta", "Azure"]
        var tokens: [OTPToken] = []
        tokens.reserveCapacity(count)
        for i in 0..<count {
            let kind: OTPKind = i % 10 == 9 ? .hotp : .totp
            tokens.append(OTPToken(
                kind: kind, secret: SecureRandom.bytes(20), issuer: issuers[i % issuers.count],
                account: "user\(i)@example.com", algorithm: [.sha1, .sha256, .sha512][i % 3],
                digits: 6 + i % 3, period: 30, counter: UInt64(i)))
        }
        let result = try vault.add(tokens, skipDuplicates: true)
        print("created \(result.added.count) tokens in \(home)")
    }

    /// One Argon2id derivation of 32 bytes (as `PassphraseParameters.masterKey`), timed from
    /// the call to its return: the memory is allocated and touched inside, as in a restore.
    static func kdf(cost: Argon2id.Cost) throws {
        let salt = SecureRandom.bytes(Argon2id.saltLength)
        let start = DispatchTime.now().uptimeNanoseconds
        let key = try Argon2id.deriveKey(length: 32, passphrase: "correct horse battery staple bench", salt: salt, cost: cost)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        precondition(key.count == 32)
        print(String(format: "%.3f", Double(elapsed) / 1e6))
    }
}

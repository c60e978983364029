import Foundation
import TwofoldCrypto
import TwofoldOTP
import TwofoldVault

/// `twofold-bench make-vault HOME COUNT`: builds a `--no-passphrase` vault of COUNT random
/// tokens in one transaction, as a fixture for the CLI benchmarks (scripts/bench-code).
/// It uses the real vault code, so the records are exactly what `twofold add` writes.
@main
enum BenchFixtures {
    static func main() throws {
        let args = CommandLine.arguments
        guard args.count == 4, args[1] == "make-vault", let count = Int(args[3]), count > 0 else {
            FileHandle.standardError.write(Data("usage: twofold-bench make-vault HOME COUNT\n".utf8))
            exit(2)
        }
        let vault = try Vault.create(home: VaultHome(path: args[2]), passphrase: nil)
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
        print("created \(result.added.count) tokens in \(args[2])")
    }
}

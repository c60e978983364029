import Foundation
import TwofoldOTP
import TwofoldVault

/// What one `twofold code` call asks for, as plain values, and the work itself.
///
/// Both ways in build one: ``CodeCommand`` after ArgumentParser has parsed the command
/// line, and ``QuickCodeArguments`` on the fast path that skips ArgumentParser for the
/// common forms (README, "Performance"). Keeping the work here means the two cannot drift.
struct CodeInvocation: Equatable {
    /// `--home`, when given.
    var home: String?
    /// `--passphrase-stdin`.
    var passphraseStdin = false
    /// `--json`.
    var json = false
    /// Token id, or part of issuer:account.
    var query: String
    /// `--tag`: only tokens with every one of these count.
    var tags: [String] = []
    /// `--at`: the Unix time to compute a TOTP/Steam code for.
    var at: Int64?
    /// `--time-source`.
    var timeSource: TimeSource?
    /// `--relay-ca` and `--insecure-relay`.
    var relay = RelayTrust()
    /// `--copy`.
    var copy = false

    /// Prints the code (or JSON), and copies it when asked.
    func run() throws {
        try CodeClock.check(at: at, source: timeSource)
        let home = VaultHome.resolve(explicit: home)
        let vault = try UnlockOptions.openVault(home: home, passphraseStdin: passphraseStdin)
        let entry = try vault.find(query, tags: tags)
        let relay = try self.relay.withHomeDefault(home)
        let code: String
        var validFor: Int?
        if entry.token.kind == .hotp {
            if at != nil { throw CLIError.usage("--at applies to TOTP and Steam tokens only") }
            code = try DaemonClient.useHOTP(vault: vault, home: home, id: entry.id, relay: relay)
        } else {
            let time = try CodeClock.unixTime(at: at, source: timeSource, home: home, relay: relay)
            code = entry.token.code(atUnixTime: time)
            validFor = entry.token.secondsRemaining(atUnixTime: time)
        }
        if json {
            try JSONOutput.print(["id": entry.id.hex, "code": code, "valid_for": validFor.map { $0 as Any } ?? NSNull()])
        } else {
            print(code)
        }
        if copy {
            try Clipboard.copy(code, clearAfter: validFor ?? 30)
        }
    }
}

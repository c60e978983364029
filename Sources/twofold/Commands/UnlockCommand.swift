import ArgumentParser
import Foundation
import TwofoldDaemon
import TwofoldProtocol
import TwofoldVault

/// `twofold unlock`: hands the vault's unlock key to the running daemon, which keeps it
/// in locked memory until `twofold lock` or an idle timeout (Protocol/daemon.md,
/// "Unlocking"). Meanwhile `code`, `codes` and every other command get the key from the
/// daemon instead of asking for the passphrase.
struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Let the running daemon keep the vault unlocked (until 'twofold lock' or the idle timeout).",
        discussion: """
            The passphrase is checked here (Argon2id); the daemon receives only the derived unlock \
            key, over its 0600 control socket, from this user only. --timeout sets how long it \
            may stay unused before the daemon forgets it (default: the daemon's, 15 min).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Read the passphrase as one line from standard input (for scripts).")
    var passphraseStdin = false

    @Option(name: .long, help: ArgumentHelp("Forget the key after this long unused (900, 15m, 2h).", valueName: "DURATION"))
    var timeout: String?

    func run() throws {
        let home = global.vaultHome
        var seconds: Int?
        if let timeout {
            guard let value = DurationText.parse(timeout), value >= .seconds(1), value <= .seconds(7 * 86_400) else {
                throw CLIError.usage("--timeout takes a duration from 1s to 7d, such as 15m")
            }
            seconds = Int(value.components.seconds)
        }
        let client = try DaemonClient.require(home: home)
        if case .keyFile = try Vault.protection(home: home) {
            throw CLIError("this vault has no passphrase: its key file unlocks it, and the daemon already uses it")
        }
        let key = try Vault.unlockKey(home: home) {
            try PassphraseReader.read(prompt: "Passphrase for \(home.path): ", fromStandardInput: passphraseStdin)
        }
        var bytes = key.copyBytes()
        let text = Base64URL.encode(bytes)
        bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        let answer = try client.call(ControlRequest(op: "unlock", key: text, timeoutS: seconds))
        let left = answer.unlockExpiresInS ?? 0
        if output.json {
            try JSONOutput.print(["locked": false, "expires_in_s": left])
        } else {
            print("Unlocked: the daemon keeps the key until 'twofold lock' or \(Self.describe(left)) unused.")
        }
    }

    static func describe(_ seconds: Int) -> String {
        seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
    }
}

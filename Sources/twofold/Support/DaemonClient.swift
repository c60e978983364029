import Foundation
import TwofoldCrypto
import TwofoldDaemon
import TwofoldProtocol
import TwofoldSync
import TwofoldVault

extension DaemonError: UserFacingError {}

/// How the CLI talks to the home's `twofoldd`, when one runs (Protocol/daemon.md):
/// nudges after a change, borrows the unlock key while the daemon holds one, and asks
/// for its status. Every call costs one `stat` when no daemon runs.
enum DaemonClient {
    /// The home named on the command line (`--home DIR`, `--home=DIR`), else the default.
    static func home(arguments: [String]) -> VaultHome {
        var explicit: String?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--home", index + 1 < arguments.endIndex {
                explicit = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--home=") {
                explicit = String(argument.dropFirst("--home=".count))
            }
            index += 1
        }
        return VaultHome.resolve(explicit: explicit)
    }

    /// Tells the daemon the vault may have changed (README, "The daemon"): no answer is
    /// awaited, and nothing happens when no daemon runs.
    static func nudge(arguments: [String]) {
        ControlClient.nudge(home: home(arguments: arguments))
    }

    /// True when a socket file exists for `home` (cheap; says nothing about a live daemon).
    static func socketExists(home: VaultHome) -> Bool {
        var st = stat()
        return stat(ControlSocketPath.resolve(home: home), &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK
    }

    /// The vault opened with the key the daemon holds, or nil when no daemon runs, it is
    /// locked, or its key no longer opens the vault (then the caller asks for the passphrase).
    static func openVault(home: VaultHome) -> Vault? {
        guard socketExists(home: home),
              let response = try? ControlClient(home: home).send(ControlRequest(op: "key"), timeoutSeconds: 5),
              response.ok, let text = response.key, var bytes = Base64URL.decode(text)
        else { return nil }
        let key = SecureBytes(bytes)
        bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) }
        return try? Vault.open(home: home, unlockKey: key)
    }

    /// The daemon's status, or nil when none answers.
    static func status(home: VaultHome) -> ControlResponse? {
        guard socketExists(home: home) else { return nil }
        return try? ControlClient(home: home).send(ControlRequest(op: "status"), timeoutSeconds: 5)
    }

    /// `status --json`'s `daemon` and `locked`: whether a daemon answers, and whether the
    /// vault's key is out of reach without a passphrase (a running daemon says; without
    /// one, a passphrase vault is locked and a key-file vault is not).
    static func apply(to status: inout SyncStatus, home: VaultHome) {
        if let answer = self.status(home: home), answer.ok {
            status.daemon = true
            if let locked = answer.locked { status.locked = locked }
        } else {
            status.daemon = false
        }
    }

    /// A client that must reach a running daemon.
    static func require(home: VaultHome) throws -> ControlClient {
        let client = ControlClient(home: home)
        guard socketExists(home: home), client.isRunning else { throw DaemonError.notRunning(home: home.path) }
        return client
    }
}

extension DaemonClient {
    /// Uses an HOTP token once. With a daemon running (and holding the key) the daemon
    /// confirms the counter with the relay before the code is shown, so two online devices
    /// never hand out the same counter (Protocol/daemon.md, "HOTP codes"); otherwise the
    /// local counter is used and committed first, as always ([SYN-14]).
    static func useHOTP(vault: Vault, home: VaultHome, id: RecordID, relay: RelayTrust = RelayTrust()) throws -> String {
        if socketExists(home: home),
           let answer = try? ControlClient(home: home).send(ControlRequest(op: "hotp", id: id.hex), timeoutSeconds: 120),
           answer.ok, let hotp = answer.hotp {
            return hotp.code
        }
        // No daemon: reserve the counter with the relay first, as the daemon does.
        return try HOTPReservation.use(vault: vault, home: home, id: id, relay: relay)
    }
}

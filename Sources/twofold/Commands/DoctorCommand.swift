import ArgumentParser
import Foundation
import TwofoldSync
import TwofoldVault

/// `twofold doctor`: why might codes or sync not work here? Checks the relay (reachable,
/// TLS), the clock against the relay's and the system's NTP status, the daemon, the
/// home's permissions and the recovery setup; one line per finding with what to do
/// (README, "My codes are rejected"). Exit status 1 when any finding is `fail`.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the clock, relay, daemon, permissions and recovery setup, and say what to fix.",
        discussion: """
            Each finding is one line: ok, warn or fail, the check, what was found and what to \
            do. Exit status 0 when nothing failed, 1 otherwise. --json prints an array of \
            {check, status, message, fix}. The clock is measured against the relay's \
            /v1/health (five samples, midpoint of each round trip) and kept for 'status', \
            'code' and 'codes'. A local vault skips the relay checks; the system clock's \
            synchronisation (timedatectl, else adjtimex) is checked on every vault. The recovery check \
            opens the vault only with a key at hand (key file, unlocked daemon, or \
            --passphrase-stdin).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var relayOptions: RelayOptions

    @Flag(name: .long, help: "Read the passphrase as one line from standard input, for the recovery check.")
    var passphraseStdin = false

    func run() throws {
        let findings = Self.examine(home: global.vaultHome, relayOptions: relayOptions, passphraseStdin: passphraseStdin)
        if output.json {
            try JSONOutput.print(findings.map(\.json))
        } else {
            for finding in findings { print(finding.line) }
        }
        let failed = findings.filter { $0.status == .fail }.count
        if failed > 0 {
            throw CLIError("\(failed) \(failed == 1 ? "check" : "checks") failed: do what the 'fail' \(failed == 1 ? "line says" : "lines say")")
        }
    }

    /// Every finding, in the order shown.
    static func examine(home: VaultHome, relayOptions: RelayOptions, passphraseStdin: Bool) -> [DoctorFinding] {
        guard home.hasVault else {
            return [.fail("vault", "there is no vault in \(home.path)",
                          fix: "create one with 'twofold init', or 'twofold restore' an account; --home chooses another")]
        }
        var findings: [DoctorFinding] = []
        let permissions = PermissionCheck.run(home: home)
        let store: SyncStore
        let state: SyncState?
        do {
            store = try SyncStore.open(home: home)
            state = try store.state()
        } catch {
            findings.append(.fail("vault", "the vault cannot be opened: \(error)", fix: "fix the permissions below, or see 'twofold status'"))
            return findings + permissions
        }
        var clockAgrees: Bool?
        if let state {
            let relay = RelayCheck.run(relay: state.relayURL, options: relayOptions, home: home)
            findings += relay
            if let clock = relay.first(where: { $0.check == "clock" }), clock.message.hasPrefix("this computer") {
                clockAgrees = clock.status == .ok
            }
        } else {
            findings.append(.ok("relay", "none: this vault is local, so the relay and TLS checks are skipped (the ntp line checks the clock)"))
        }
        findings.append(NTPCheck.run(clockAgrees: clockAgrees))
        findings.append(DaemonCheck.run(home: home, attached: state != nil))
        findings += permissions
        findings.append(RecoveryCheck.run(home: home, store: store, state: state, passphraseStdin: passphraseStdin))
        return findings
    }
}

import TwofoldDaemon
import TwofoldVault

/// `doctor`'s daemon check: does `twofoldd` answer on this home's control socket
/// (Protocol/daemon.md, "The control socket"), and how is its sync going.
enum DaemonCheck {
    static func run(home: VaultHome, attached: Bool) -> DoctorFinding {
        let start = attached
            ? "start it: 'systemctl --user enable --now twofoldd' (or 'twofoldd --home \(home.path)')"
            : nil
        if let answer = DaemonClient.status(home: home), answer.ok {
            var parts: [String] = []
            if let pid = answer.daemon?.pid { parts.append("pid \(pid)") }
            parts.append(answer.locked == true ? "locked" : "unlocked")
            if let sync = answer.sync {
                parts.append(sync.pushConnected ? "push stream connected" : "push stream not connected")
                if let error = sync.lastError, sync.failures > 0 {
                    return .warn("daemon", "twofoldd runs (\(parts.joined(separator: ", "))) but its last \(sync.failures) rounds failed: \(error)",
                                 fix: "see the relay and clock lines; 'journalctl --user -u twofoldd' has the details")
                }
            }
            return .ok("daemon", "twofoldd runs and answers (\(parts.joined(separator: ", ")))")
        }
        if DaemonClient.socketExists(home: home) {
            return .warn("daemon", "a control socket exists but no daemon answers on it (a crashed daemon?)",
                         fix: start ?? "start twofoldd again, or remove \(ControlSocketPath.resolve(home: home))")
        }
        guard let start else { return .ok("daemon", "twofoldd is not running (not needed for a local vault)") }
        return .warn("daemon", "twofoldd is not running: this device syncs only when you run 'twofold sync'", fix: start)
    }
}

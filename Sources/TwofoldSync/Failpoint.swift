import Foundation

/// Crash points for the tests that kill a flow halfway (Protocol/devices.md,
/// "Interrupted"): when `TWOFOLD_FAILPOINT` names a point, the process sends itself
/// SIGKILL there — a real, uncatchable death, exactly as if the machine lost power between
/// two steps. Without the variable a failpoint costs one environment lookup.
enum Failpoint {
    /// Dies here if `TWOFOLD_FAILPOINT` is `name`.
    static func hit(_ name: String) {
        guard let wanted = ProcessInfo.processInfo.environment["TWOFOLD_FAILPOINT"], wanted == name else { return }
        kill(getpid(), SIGKILL)
    }
}

import CDaemonSupport
import Foundation

/// What the daemon does to its own process before it ever holds a key
/// (Protocol/threat-model.md, "The daemon"): files it creates are private (umask 077);
/// it writes no core dumps (RLIMIT_CORE 0) and is not dumpable (`PR_SET_DUMPABLE` 0), so
/// another process of the same user cannot read its memory through ptrace or
/// `/proc/PID/mem` without CAP_SYS_PTRACE. Keys themselves sit in `sodium_malloc` memory,
/// which is locked against swapping.
public enum ProcessHardening {
    /// Applies the settings; failures are ignored (they only lower defence in depth).
    public static func apply() {
        umask(0o077)
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = twofold_set_not_dumpable()
    }
}

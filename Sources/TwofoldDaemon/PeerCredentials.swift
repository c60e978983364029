import Foundation

/// The credentials of the process at the other end of a connected Unix socket, from the
/// kernel (`SO_PEERCRED`, socket(7)): they cannot be forged by the peer. The daemon
/// serves only its own user, and the CLI talks only to a daemon of its own user
/// (Protocol/daemon.md, "Who may connect").
public struct PeerCredentials: Sendable, Equatable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Linux `struct ucred` (pid_t, uid_t, gid_t).
    private struct UCred {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads the peer credentials of `fd`; nil when the kernel gives none.
    public static func of(_ fd: Int32) -> PeerCredentials? {
        var cred = UCred()
        var length = socklen_t(MemoryLayout<UCred>.size)
        let result = withUnsafeMutablePointer(to: &cred) {
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, $0, &length)
        }
        guard result == 0, length == socklen_t(MemoryLayout<UCred>.size) else { return nil }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }

    /// True when the peer runs as this process's effective user.
    public var isSameUser: Bool { uid == geteuid() }
}

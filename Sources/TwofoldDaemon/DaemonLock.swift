import Foundation
import TwofoldVault

/// One daemon per home: an exclusive `flock` on `<home>/twofoldd.lock`, held for the
/// process's life (the kernel releases it when the process ends, however it ends).
public final class DaemonLock: Sendable {
    private let fd: Int32

    /// Takes the lock, or throws ``DaemonError/alreadyRunning(home:)``.
    public init(home: VaultHome) throws(DaemonError) {
        let path = home.path + "/twofoldd.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .socket("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .alreadyRunning(home: home.path)
        }
        self.fd = fd
    }

    deinit { close(fd) }
}

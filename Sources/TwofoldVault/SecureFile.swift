import Foundation

/// Writes files that hold secrets: mode 0600 whatever the umask, all or nothing (temporary
/// file, fsync, rename, fsync of the directory), never through a symbolic link. Used by
/// the CLI (exports, backups, settings), the daemon (scheduled backups) and a new
/// device's link request (``LinkRequestFile``).
public enum SecureFile {
    /// A file that could not be written; nothing was.
    public struct Failure: Error, CustomStringConvertible {
        /// One line: what is wrong and what to do.
        public let description: String
    }

    /// Writes `data` to `path` atomically with mode 0600.
    public static func write(_ data: Data, to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        unlink(temporary)  // left by a process of this pid that died mid-write
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno))); choose a writable location")
        }
        var ok = fchmod(fd, 0o600) == 0
        ok = ok && data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno))); nothing was written")
        }
        let dirfd = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }
}

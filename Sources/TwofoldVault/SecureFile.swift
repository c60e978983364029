import Foundation

/// Writes files that hold secrets: mode 0600, all or nothing (temporary file, fsync,
/// rename). Used by the CLI (exports, backups, settings) and the daemon (scheduled backups).
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
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno))); choose a writable location")
        }
        var ok = data.withUnsafeBytes { raw -> Bool in
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
    }
}

import Foundation

/// Whether a data directory may hold the relay's store (README, "Running a relay"): it
/// holds the relay's token secret, so nobody but the relay's user may read or write it.
/// A directory that does not exist yet is fine (the relay makes it with mode 0700).
public enum DataDirectoryCheck {
    /// Nil when `path` is usable, else one line that says what is wrong and what to do.
    public static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            return "cannot use the data directory \(path): \(String(cString: strerror(errno))); check the path and its permissions"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return "the data directory \(path) is not a directory: give --data a directory (it is made with mode 0700 if missing)"
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            return "the data directory \(path) is open to other users (mode \(String(mode, radix: 8))) and would hold the relay's "
                + "secrets: run 'chmod 700 \(path)', or give --data a new directory"
        }
        return nil
    }
}

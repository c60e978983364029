import Foundation
import TwofoldCrypto
import TwofoldSync
import TwofoldVault

/// Where a home's daemon listens (Protocol/daemon.md, "The control socket"):
/// `<home>/twofoldd.sock` (``DaemonSocket/path(home:)``), inside the home's 0700
/// directory. When that path is too long for a Unix socket address (107 bytes), it is
/// `$XDG_RUNTIME_DIR/twofold/<id>.sock`, else `/tmp/twofold-<uid>/<id>.sock`, where
/// `<id>` is the hex of BLAKE2b-128 over the home's absolute path; that directory is
/// created 0700 and refused when another user owns it.
public enum ControlSocketPath {
    /// Longest path a `sockaddr_un` holds (108 bytes with the NUL).
    public static let maximumLength = 107

    /// The socket path of `home`.
    public static func resolve(home: VaultHome, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let inside = DaemonSocket.path(home: home)
        if inside.utf8.count <= maximumLength { return inside }
        let id = BLAKE2b.hash(Array(home.path.utf8), outputLength: 16).map { String(format: "%02x", $0) }.joined()
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/twofold/" + id + ".sock"
        }
        return "/tmp/twofold-\(getuid())/" + id + ".sock"
    }

    /// Creates the directory of an outside-the-home socket path, mode 0700, and checks
    /// that this user owns it. Nothing to do for a path inside the home.
    public static func prepareDirectory(for path: String, home: VaultHome) throws -> Void {
        let directory = (path as NSString).deletingLastPathComponent
        if directory == home.path { return }
        mkdir(directory, 0o700)
        var st = stat()
        guard lstat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid() else {
            throw DaemonError.socket("\(directory) is not a directory owned by this user: remove it or set XDG_RUNTIME_DIR")
        }
        if st.st_mode & 0o077 != 0 { _ = chmod(directory, 0o700) }
    }
}

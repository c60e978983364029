import Foundation
import TwofoldProtocol

/// A device's data directory (`--home`, DESIGN.md "Devices") and the files in it.
///
/// The directory is created with mode 0700 and every file in it with 0600.
public struct VaultHome: Sendable, Hashable {
    /// Absolute path of the directory.
    public let path: String

    /// Uses `path` as the home.
    public init(path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The home to use: `explicit` (`--home`), else `$TWOFOLD_HOME`, else
    /// `$XDG_DATA_HOME/twofold`, else `~/.local/share/twofold`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> VaultHome {
        if let explicit, !explicit.isEmpty { return VaultHome(path: explicit) }
        if let env = environment["TWOFOLD_HOME"], !env.isEmpty { return VaultHome(path: env) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return VaultHome(path: xdg + "/twofold") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return VaultHome(path: home + "/.local/share/twofold")
    }

    /// The SQLite store.
    public var databasePath: String { path + "/vault.sqlite" }
    /// The key file of a `--no-passphrase` vault.
    public var keyFilePath: String { path + "/" + LocalKey.fileName }

    /// True when a store exists here.
    public var hasVault: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the directory (and parents) with mode 0700, or tightens an existing one
    /// that this user owns.
    func createDirectory() throws(VaultError) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .storage("\(path) exists and is not a directory") }
        } else {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .storage("cannot create \(path): \(error.localizedDescription)")
            }
        }
        guard chmod(path, 0o700) == 0 else { throw .storage("cannot set permissions of \(path)") }
    }

    /// Refuses a home or store that other users can read (DESIGN.md, "Local at rest").
    func checkPermissions() throws(VaultError) {
        for file in [path, databasePath, keyFilePath] {
            var st = stat()
            guard stat(file, &st) == 0 else { continue }
            if st.st_mode & 0o077 != 0 { throw .insecurePermissions(path: file) }
        }
    }
}

import TwofoldVault

/// Keeps what a locked daemon needs for scheduled backups up to date after a command that
/// had the vault open with its key (daemon.md, "Backups"): one read when nothing changed.
/// Only after the command succeeded, so a refused command leaves the home exactly as it
/// was, and never a reason to fail one.
enum BackupHolderRefresh {
    /// The vault the command opened with its key, if any (the CLI is one thread).
    nonisolated(unsafe) static var opened: Vault?

    /// Called by `Main` once the command has succeeded.
    static func afterSuccess() {
        guard let vault = opened else { return }
        opened = nil
        try? vault.refreshBackupHolders()
    }
}

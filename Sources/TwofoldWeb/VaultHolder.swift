import Foundation
import TwofoldVault

/// The vault the pages use, and when it locks. A vault unlocked with a passphrase typed in
/// the page is kept until "Lock now" or the idle timeout; a daemon-held key is asked for on
/// every request, so `twofold lock` locks the pages too.
final class VaultHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var vault: Vault?
    private var lastUse = Date()
    let access: VaultAccess
    let idleTimeout: Double
    let now: @Sendable () -> Date

    init(access: VaultAccess, idleTimeout: Double, now: @escaping @Sendable () -> Date) {
        self.access = access
        self.idleTimeout = idleTimeout
        self.now = now
    }

    /// Runs `body` with the unlocked vault, or returns nil when it is locked.
    func with<T>(_ body: (Vault) throws -> T) throws -> T? {
        lock.lock()
        defer { lock.unlock() }
        let t = now()
        if vault != nil, t.timeIntervalSince(lastUse) > idleTimeout { vault = nil }
        if let vault {
            lastUse = t
            return try body(vault)
        }
        if let daemonVault = access.fromDaemon() { return try body(daemonVault) }
        // A key-file vault has nothing to type: it opens as the CLI's commands open it.
        if let opened = access.withoutPassphrase() {
            vault = opened
            lastUse = t
            return try body(opened)
        }
        return nil
    }

    /// Whether a request now would find the vault locked.
    var isLocked: Bool { ((try? with { _ in true }) ?? nil) == nil }

    /// Unlocks with a passphrase.
    func unlock(passphrase: String) throws {
        let opened = try access.withPassphrase(passphrase)
        lock.lock()
        vault = opened
        lastUse = now()
        lock.unlock()
    }

    /// "Lock now": drops the vault and asks a running daemon to forget its key.
    func lockNow() {
        lock.lock()
        vault = nil
        lock.unlock()
        _ = access.lockDaemon()
    }
}

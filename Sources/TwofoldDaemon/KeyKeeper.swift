import Foundation
import TwofoldCrypto
import TwofoldVault

/// Keeps the vault's unlock key for the daemon (Protocol/daemon.md, "Unlocking"): in
/// libsodium guarded memory (``SecureBytes``: `sodium_malloc`, locked in RAM with
/// `sodium_mlock`, fenced by guard pages, wiped on release) from `twofold unlock` until
/// `twofold lock`, an idle timeout, or the end of the process.
///
/// A `--no-passphrase` vault is unlocked for the daemon's whole life (its key file is on
/// disk anyway) and has no idle timeout. While unlocked, the keeper also holds the opened
/// ``Vault``, which the daemon uses to check pulled records, take snapshots and hand out
/// HOTP codes.
public actor KeyKeeper {
    /// How the vault stands.
    public enum State: Sendable, Equatable {
        /// No key: the daemon syncs ciphertext only.
        case locked
        /// Unlocked by `twofold unlock` until `expires` (monotonic), unless used again.
        case unlocked(expires: ContinuousClock.Instant)
        /// A `--no-passphrase` vault: always unlocked.
        case keyFile
    }

    private let home: VaultHome
    private var key: SecureBytes?
    private var vault: Vault?
    private var idleTimeout: Duration
    private var expires: ContinuousClock.Instant?
    private var timer: Task<Void, Never>?
    private var permanent = false
    /// Called after every change of state (for systemd's STATUS line).
    private var onChange: (@Sendable (State) -> Void)?

    /// A keeper for `home`; `idleTimeout` is the default for `twofold unlock`.
    public init(home: VaultHome, idleTimeout: Duration) {
        self.home = home
        self.idleTimeout = idleTimeout
    }

    /// Sets the observer of state changes.
    public func observe(_ body: @escaping @Sendable (State) -> Void) { onChange = body }

    /// Opens a `--no-passphrase` vault with its key file, for good. Returns false (and
    /// stays locked) for a passphrase vault.
    @discardableResult
    public func unlockWithKeyFile() throws(VaultError) -> Bool {
        guard case .keyFile = try Vault.protection(home: home) else { return false }
        let key = try Vault.unlockKey(home: home) { throw VaultError.wrongProtection("no passphrase expected") }
        vault = try Vault.open(home: home, unlockKey: key)
        self.key = key
        permanent = true
        onChange?(state)
        return true
    }

    /// Takes `key` (checked: it must open the vault) and keeps it until `lock()` or until
    /// it has not been used for `timeout` (the keeper's default when nil).
    public func unlock(key: SecureBytes, timeout: Duration?) throws(VaultError) {
        let opened = try Vault.open(home: home, unlockKey: key)
        if permanent { return }
        self.key = key
        vault = opened
        if let timeout { idleTimeout = timeout }
        touch()
        onChange?(state)
    }

    /// Forgets the key (its guarded memory is wiped when the last reference goes). A
    /// `--no-passphrase` vault cannot be locked: its key file is beside the store.
    @discardableResult
    public func lock() -> Bool {
        guard !permanent else { return false }
        key = nil
        vault = nil
        expires = nil
        timer?.cancel()
        timer = nil
        onChange?(state)
        return true
    }

    /// Where the keeper stands.
    public var state: State {
        if permanent { return .keyFile }
        if key != nil, let expires { return .unlocked(expires: expires) }
        return .locked
    }

    /// True when no key is held.
    public var isLocked: Bool { key == nil }

    /// The unlock key, for a same-user client (`op: key`); counts as use, so the idle
    /// timeout starts again.
    public func unlockKey() -> SecureBytes? {
        guard let key else { return nil }
        touch()
        return key
    }

    /// The vault keys for checking pulled records; syncing is not use, so the idle timer
    /// does not move.
    public func keyring() -> VaultKeyring? { vault?.keyring }

    /// The opened vault while unlocked (for following rotations, DaemonEpochFollower).
    var openedVault: Vault? { vault }

    /// Runs `body` with the unlocked vault (snapshots, HOTP codes), or returns nil when
    /// locked. `touch` says whether this counts as use.
    public func withVault<T: Sendable>(touch: Bool, _ body: @Sendable (Vault) throws -> T) rethrows -> T? {
        guard let vault else { return nil }
        if touch { self.touch() }
        return try body(vault)
    }

    /// Drops a vault whose key no longer opens it (the passphrase was changed): called
    /// when a use fails with ``VaultError/wrongPassphrase``.
    public func revalidate() {
        guard let key, !permanent else { return }
        if (try? Vault.open(home: home, unlockKey: key)) == nil { lock() }
    }

    private func touch() {
        guard !permanent else { return }
        let deadline = ContinuousClock.now + idleTimeout
        expires = deadline
        timer?.cancel()
        timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.expire(deadline)
        }
    }

    private func expire(_ deadline: ContinuousClock.Instant) {
        if expires == deadline { lock() }
    }
}

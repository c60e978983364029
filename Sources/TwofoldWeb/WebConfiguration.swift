import Foundation
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault

/// How the web app reaches the vault. The executable fills these in with the same calls
/// its commands use (the daemon's key, `Vault.open`, the daemon's HOTP path), so the app
/// keeps no second copy of that logic.
public struct VaultAccess: Sendable {
    /// The vault unlocked with the daemon's key, or nil when no daemon holds it.
    public var fromDaemon: @Sendable () -> Vault?
    /// The vault when it needs no passphrase (a key-file vault), else nil.
    public var withoutPassphrase: @Sendable () -> Vault?
    /// The vault unlocked with a passphrase typed into the page.
    public var withPassphrase: @Sendable (String) throws -> Vault
    /// Uses an HOTP token once, exactly as `twofold code` does.
    public var useHOTP: @Sendable (Vault, RecordID) throws -> String
    /// Tells a running daemon to forget its key (`twofold lock`); false when none runs.
    public var lockDaemon: @Sendable () -> Bool

    /// Creates the access.
    public init(
        fromDaemon: @escaping @Sendable () -> Vault?,
        withoutPassphrase: @escaping @Sendable () -> Vault? = { nil },
        withPassphrase: @escaping @Sendable (String) throws -> Vault,
        useHOTP: @escaping @Sendable (Vault, RecordID) throws -> String,
        lockDaemon: @escaping @Sendable () -> Bool
    ) {
        self.fromDaemon = fromDaemon
        self.withoutPassphrase = withoutPassphrase
        self.withPassphrase = withPassphrase
        self.useHOTP = useHOTP
        self.lockDaemon = lockDaemon
    }
}

/// What `twofold ui` was started with.
public struct WebConfiguration: Sendable {
    /// The vault home; the session secret file lives in it (Protocol/web.md, [WEB-7]).
    public var home: VaultHome
    /// Loopback address to listen on.
    public var host: String
    /// Port; 0 picks a free one.
    public var port: Int
    /// Seconds without a request after which a passphrase-unlocked vault is dropped.
    public var idleTimeoutSeconds: Double
    /// The clock codes are computed for (tests pin it).
    public var now: @Sendable () -> Date

    /// Creates a configuration.
    public init(home: VaultHome, host: String = "127.0.0.1", port: Int = 0, idleTimeoutSeconds: Double = 300,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.home = home
        self.host = host
        self.port = port
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.now = now
    }

    /// Whether `host` is a loopback address `twofold ui` may listen on [WEB-1].
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

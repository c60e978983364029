import Foundation
import Logging

/// Who may create accounts (Protocol/relay-api.md, "Registration").
public enum RegistrationMode: String, Sendable, CaseIterable {
    /// Anyone (rate-limited per address).
    case open
    /// Only with an admin-issued invite token.
    case invite
    /// Nobody: existing accounts only.
    case closed
}

/// Everything `twofold-relay serve` can be told. Each setting has a flag, an environment
/// variable and a config-file key (``RelayConfiguration/load(flags:environment:)``); the
/// defaults make a relay that needs no configuration at all.
public struct RelayConfiguration: Sendable {
    /// Address to listen on: 127.0.0.1 by default (put a TLS proxy in front, or use TLS).
    public var host = "127.0.0.1"
    /// Port: 8787.
    public var port = 8787
    /// Where `relay.sqlite` lives (when ``postgres`` is nil).
    public var dataDirectory: String
    /// The PostgreSQL store (`--database postgres://…`) several replicas share; nil for the
    /// zero-config SQLite store in ``dataDirectory``.
    public var postgres: PostgresLocation?
    /// Registration mode: `invite` by default, so a relay put on the internet serves only
    /// the people its admin invites.
    public var registration = RegistrationMode.invite
    /// Every limit.
    public var limits = RelayLimits()
    /// PEM certificate chain for TLS (with ``tlsKeyPath``).
    public var tlsCertificatePath: String?
    /// PEM private key for TLS.
    public var tlsKeyPath: String?
    /// Peers whose `X-Forwarded-For` is believed (reverse proxies).
    public var trustedProxies: [String] = []
    /// A static bearer token `/metrics` requires, if set.
    public var metricsToken: String?
    /// Log level.
    public var logLevel = Logger.Level.info
    /// Access-token lifetime: 15 minutes.
    public var tokenLifetimeMs: Int64 = 900_000
    /// Push keep-alive period: 25 s [API-24].
    public var keepAliveSeconds = 25
    /// How often the device directory is reloaded from the store, in seconds.
    public var directoryRefreshSeconds = 2
    /// The clock (tests replace it).
    public var clock: any RelayClock = SystemRelayClock()

    /// A configuration with every default and the given data directory.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// `/var/lib/twofold-relay` for root, else `$XDG_DATA_HOME/twofold-relay`
    /// (`~/.local/share/twofold-relay` when unset).
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if getuid() == 0 { return "/var/lib/twofold-relay" }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/twofold-relay" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/twofold-relay"
    }
}

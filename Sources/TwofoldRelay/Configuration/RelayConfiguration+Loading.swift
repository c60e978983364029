import Foundation
import Logging

extension RelayConfiguration {
    /// Every setting's name: the flag is `--NAME`, the config-file key `NAME`, the
    /// environment variable `TWOFOLD_RELAY_NAME` in upper case with `_` for `-`.
    public static let settingNames: [String] = [
        "listen", "data", "database", "registration", "tls-cert", "tls-key", "trusted-proxy", "metrics-token", "log-level",
        "body-limit", "rotation-body-limit", "snapshot-body-limit", "batch-writes", "records-per-account",
        "record-bytes-per-account", "snapshots-per-account", "snapshot-bytes-per-account", "device-rate", "device-burst",
        "address-rate", "address-burst", "accounts-per-hour", "mailboxes-per-hour", "recovery-per-account-per-hour",
        "recovery-per-address-per-hour", "passphrase-lookups-per-hour", "streams-per-device", "streams-per-account", "page-bytes", "idle-timeout",
        "connections-per-address", "connections",
    ]

    /// The environment variable of a setting.
    public static func environmentName(_ setting: String) -> String {
        "TWOFOLD_RELAY_" + setting.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Builds the configuration: defaults, then the config file (`--config`,
    /// `TWOFOLD_RELAY_CONFIG`), then environment variables, then flags.
    public static func load(flags: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RelayConfiguration {
        var settings: [String: String] = [:]
        if let path = flags["config"] ?? environment[environmentName("config")] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("cannot read the config file \(path): check the path and its permissions")
            }
            settings = try ConfigFile.parse(text, known: Set(settingNames))
        }
        for name in settingNames {
            if let value = environment[environmentName(name)] { settings[name] = value }
        }
        for (name, value) in flags where name != "config" { settings[name] = value }
        return try RelayConfiguration(settings: settings, environment: environment)
    }

    /// Applies `settings` (name to text) over the defaults.
    public init(settings: [String: String], environment: [String: String] = [:]) throws {
        self.init(dataDirectory: settings["data"] ?? Self.defaultDataDirectory(environment: environment))
        for (name, value) in settings {
            try apply(name, value, environment: environment)
        }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw ConfigurationError("tls-cert and tls-key go together: give both, or neither")
        }
    }

    private mutating func apply(_ name: String, _ value: String, environment: [String: String]) throws {
        func int(_ range: ClosedRange<Int64> = 1...Int64.max) throws -> Int64 {
            guard let n = Int64(value), range.contains(n) else {
                throw ConfigurationError("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(value.prefix(40))'")
            }
            return n
        }
        func rate() throws -> Double {
            guard let d = Double(value), d > 0, d.isFinite else { throw ConfigurationError("\(name) must be a positive number, not '\(value.prefix(40))'") }
            return d
        }
        switch name {
        case "listen":
            guard let (h, p) = Self.parseListen(value) else {
                throw ConfigurationError("listen must be HOST:PORT (e.g. 127.0.0.1:8787 or [::1]:8787), not '\(value.prefix(60))'")
            }
            host = h
            port = p
        case "data": dataDirectory = value
        case "database":
            if value.hasPrefix("sqlite:") {
                let path = String(value.dropFirst("sqlite:".count))
                guard !path.isEmpty else { throw ConfigurationError("database sqlite:PATH needs the data directory, e.g. sqlite:/var/lib/twofold-relay") }
                dataDirectory = path
                postgres = nil
            } else {
                postgres = try PostgresLocation(url: value, environment: environment)
            }
        case "registration":
            guard let mode = RegistrationMode(rawValue: value) else { throw ConfigurationError("registration must be open, invite or closed") }
            registration = mode
        case "tls-cert": tlsCertificatePath = value
        case "tls-key": tlsKeyPath = value
        case "trusted-proxy": trustedProxies = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case "metrics-token": metricsToken = value.isEmpty ? nil : value
        case "log-level":
            guard let level = Logger.Level(rawValue: value) else {
                throw ConfigurationError("log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        case "body-limit": limits.bodyBytes = Int(try int(1024...(1 << 30)))
        case "rotation-body-limit": limits.rotationBodyBytes = Int(try int(1024...(1 << 32)))
        case "snapshot-body-limit": limits.snapshotBodyBytes = Int(try int(1024...(1 << 32)))
        case "batch-writes": limits.batchWrites = Int(try int(1...100_000))
        case "records-per-account": limits.recordsPerAccount = try int()
        case "record-bytes-per-account": limits.recordBytesPerAccount = try int()
        case "snapshots-per-account": limits.snapshotsPerAccount = try int(0...Int64.max)
        case "snapshot-bytes-per-account": limits.snapshotBytesPerAccount = try int(0...Int64.max)
        case "device-rate": limits.deviceRate.ratePerSecond = try rate()
        case "device-burst": limits.deviceRate.burst = try rate()
        case "address-rate": limits.addressRate.ratePerSecond = try rate()
        case "address-burst": limits.addressRate.burst = try rate()
        case "accounts-per-hour": limits.accountsPerAddress = .perHour(try rate())
        case "mailboxes-per-hour": limits.mailboxesPerAddress = .perHour(try rate())
        case "recovery-per-account-per-hour": limits.recoveryPerAccount = .perHour(try rate(), burst: max(1, try rate() / 2))
        case "recovery-per-address-per-hour": limits.recoveryPerAddress = .perHour(try rate(), burst: max(1, try rate() / 2))
        case "passphrase-lookups-per-hour": limits.passphraseLookupsPerAddress = .perHour(try rate())
        case "streams-per-device": limits.streamsPerDevice = Int(try int(1...10_000))
        case "streams-per-account": limits.streamsPerAccount = Int(try int(1...1_000_000))
        case "page-bytes": limits.pageBytes = Int(try int(4096...(48 << 20)))
        case "idle-timeout": limits.idleTimeoutSeconds = Int(try int(1...86_400))
        case "connections-per-address": limits.connectionsPerAddress = Int(try int(1...10_000_000))
        case "connections": limits.connections = Int(try int(1...10_000_000))
        default: throw ConfigurationError("unknown setting '\(name.prefix(40))'")
        }
    }

    /// `HOST:PORT`, `[V6]:PORT`; nil when malformed.
    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" "), host.count <= 253 else { return nil }
        return (host, port)
    }
}

/// A configuration that cannot be used: says which setting and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// One line: what is wrong and what to do.
    public let description: String
    init(_ description: String) { self.description = description }
}

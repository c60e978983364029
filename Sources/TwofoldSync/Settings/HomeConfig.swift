import Foundation
import TwofoldVault

/// The device's settings file, `<home>/config` (README, "Settings"): `key = value` lines,
/// `#` comments, a value optionally in double quotes. Read by the commands a setting
/// applies to; written by `twofold config set|unset`, which keep comments and order. An
/// unknown key or a bad value is an error naming the line, never silently ignored.
/// Shared by `twofold` and `twofoldd`, so a setting means the same to both.
public struct HomeConfig: Equatable, Sendable {
    /// The settings there are.
    public enum Key: String, CaseIterable, Sendable {
        /// `system` or `relay`: the clock `code` and `codes` use.
        case timeSource = "time-source"
        /// A PEM file of extra CA certificates every command and the daemon trust for the
        /// relay (a self-signed relay), unless `--relay-ca` names another.
        case relayCA = "relay-ca"
        /// A folder (a USB drive, one another tool syncs) the daemon writes a backup file
        /// into on its schedule, locked or not (daemon.md, "Backups").
        case backupDir = "backup-dir"

        /// The value's canonical form, or nil when it is not allowed.
        public func canonical(_ value: String) -> String? {
            switch self {
            case .timeSource:
                let lowered = value.lowercased()
                return ["system", "relay"].contains(lowered) ? lowered : nil
            case .relayCA, .backupDir:
                // An absolute path: it is used by processes with other working directories.
                guard value.hasPrefix("/"), value.count <= 4096,
                      !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
                return value
            }
        }

        /// What a value may be, for errors.
        public var allowed: String {
            switch self {
            case .timeSource: return "system or relay"
            case .relayCA: return "the absolute path of a PEM file of CA certificates"
            case .backupDir: return "the absolute path of a folder"
            }
        }
    }

    /// The file's lines, comments included.
    public private(set) var lines: [String] = []
    /// The settings, by key.
    public private(set) var values: [Key: String] = [:]

    /// The file's name in the home.
    public static let fileName = "config"

    /// `<home>/config`.
    public static func path(home: VaultHome) -> String { home.path + "/" + fileName }

    /// The settings in `home`; none when the file does not exist.
    public static func load(home: VaultHome) throws(HomeConfigError) -> HomeConfig {
        let path = path(home: home)
        guard let data = SmallFile.contents(path) else {
            if access(path, F_OK) == 0 { throw HomeConfigError("\(path) cannot be read or is over 64 KiB: fix or remove it") }
            return HomeConfig()
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw HomeConfigError("\(path) is not UTF-8 text: fix or remove it")
        }
        return try HomeConfig(parsing: text, path: path)
    }

    /// No settings.
    public init() {}

    /// Parses `text`; `path` names the file in errors.
    public init(parsing text: String, path: String) throws(HomeConfigError) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            guard let (key, value) = try Self.entry(line, at: "\(path) line \(index + 1)") else { continue }
            values[key] = value
        }
    }

    /// The setting of `key`.
    public subscript(key: Key) -> String? { values[key] }

    /// The relay CA file, if set.
    public var relayCA: String? { values[.relayCA] }

    /// The folder for scheduled backups, if set.
    public var backupDirectory: String? { values[.backupDir] }

    /// Sets `key` (checked): the line that set it is rewritten, or one is added.
    public mutating func set(_ key: Key, to value: String) throws(HomeConfigError) {
        guard let canonical = key.canonical(value) else {
            throw HomeConfigError("'\(value)' is not a value of \(key.rawValue): use \(key.allowed)")
        }
        let line = "\(key.rawValue) = \(canonical)"
        let indices = lines.indices.filter { Self.key(of: lines[$0]) == key }
        if let first = indices.first {
            lines[first] = line
            for index in indices.dropFirst().reversed() { lines.remove(at: index) }
        } else {
            if lines.isEmpty { lines.append("# Twofold settings for this device (README, \"Settings\").") }
            lines.append(line)
        }
        values[key] = canonical
    }

    /// Removes `key`'s lines.
    public mutating func unset(_ key: Key) {
        lines.removeAll { Self.key(of: $0) == key }
        values[key] = nil
    }

    /// The file's text.
    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// The key `line` sets, if it is a valid setting.
    private static func key(of line: String) -> Key? { (try? entry(line, at: ""))?.0 }

    /// The key and value on `line`, nil for a blank or comment line.
    private static func entry(_ line: String, at place: String) throws(HomeConfigError) -> (Key, String)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        guard let equals = trimmed.firstIndex(of: "=") else {
            throw HomeConfigError("\(place): expected 'key = value': fix or remove the line")
        }
        let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard let key = Key(rawValue: name) else {
            throw HomeConfigError("\(place): unknown setting '\(name)' (known: \(Key.allCases.map(\.rawValue).joined(separator: ", "))): fix or remove the line")
        }
        guard let canonical = key.canonical(value) else {
            throw HomeConfigError("\(place): '\(value)' is not a value of \(name): use \(key.allowed)")
        }
        return (key, canonical)
    }
}

/// A settings file that cannot be used, or a value that is not allowed: one line saying
/// what is wrong and what to do.
public struct HomeConfigError: Error, CustomStringConvertible, Equatable {
    /// The line.
    public let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import TwofoldSync
import TwofoldVault

/// The device's settings file, `<home>/config` (README, "Settings"): `key = value` lines,
/// `#` comments, a value optionally in double quotes. Read by the commands a setting
/// applies to; written by `twofold config set|unset`, which keep comments and order. An
/// unknown key or a bad value is an error naming the line, never silently ignored.
struct HomeConfig: Equatable {
    /// The settings there are.
    enum Key: String, CaseIterable {
        /// `system` or `relay`: the clock `code` and `codes` use (``TimeSource``).
        case timeSource = "time-source"

        /// The value's canonical form, or nil when it is not allowed.
        func canonical(_ value: String) -> String? {
            switch self {
            case .timeSource: return TimeSource(rawValue: value.lowercased())?.rawValue
            }
        }

        /// What a value may be, for errors.
        var allowed: String {
            switch self {
            case .timeSource: return "system or relay"
            }
        }
    }

    /// The file's lines, comments included.
    private(set) var lines: [String] = []
    /// The settings, by key.
    private(set) var values: [Key: String] = [:]

    /// The file's name in the home.
    static let fileName = "config"

    /// `<home>/config`.
    static func path(home: VaultHome) -> String { home.path + "/" + fileName }

    /// The settings in `home`; none when the file does not exist.
    static func load(home: VaultHome) throws -> HomeConfig {
        let path = path(home: home)
        guard let data = SmallFile.contents(path) else {
            if access(path, F_OK) == 0 { throw CLIError("\(path) cannot be read or is over 64 KiB: fix or remove it") }
            return HomeConfig()
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(path) is not UTF-8 text: fix or remove it")
        }
        return try HomeConfig(parsing: text, path: path)
    }

    init() {}

    /// Parses `text`; `path` names the file in errors.
    init(parsing text: String, path: String) throws {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            guard let (key, value) = try Self.entry(line, at: "\(path) line \(index + 1)") else { continue }
            values[key] = value
        }
    }

    /// The setting of `key`.
    subscript(key: Key) -> String? { values[key] }

    /// The clock for codes, if set.
    var timeSource: TimeSource? { values[.timeSource].flatMap(TimeSource.init(rawValue:)) }

    /// Sets `key` (checked): the line that set it is rewritten, or one is added.
    mutating func set(_ key: Key, to value: String) throws {
        guard let canonical = key.canonical(value) else {
            throw CLIError.usage("'\(value)' is not a value of \(key.rawValue): use \(key.allowed)")
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
    mutating func unset(_ key: Key) {
        lines.removeAll { Self.key(of: $0) == key }
        values[key] = nil
    }

    /// The file's text.
    var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// The key `line` sets, if it is a valid setting.
    private static func key(of line: String) -> Key? { (try? entry(line, at: ""))?.0 }

    /// The key and value on `line`, nil for a blank or comment line.
    private static func entry(_ line: String, at place: String) throws -> (Key, String)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        guard let equals = trimmed.firstIndex(of: "=") else {
            throw CLIError("\(place): expected 'key = value': fix or remove the line")
        }
        let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard let key = Key(rawValue: name) else {
            throw CLIError("\(place): unknown setting '\(name)' (known: \(Key.allCases.map(\.rawValue).joined(separator: ", "))): fix or remove the line")
        }
        guard let canonical = key.canonical(value) else {
            throw CLIError("\(place): '\(value)' is not a value of \(name): use \(key.allowed)")
        }
        return (key, canonical)
    }
}

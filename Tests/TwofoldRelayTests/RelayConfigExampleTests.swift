import Foundation
import Testing
@testable import TwofoldRelay

/// `systemd/relay.conf.example`, the config file the relay unit's recipe installs (issue
/// 15): it names every setting once, as shipped it sets nothing, and every value it shows
/// is the default, so the file cannot drift from the code.
@Suite struct RelayConfigExampleTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/relay.conf.example").path

    static func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The file with every `# key = value` line uncommented.
    static func uncommented() throws -> String {
        try text().split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("# "), let key = line.dropFirst(2).split(separator: " ").first,
                  RelayConfiguration.settingNames.contains(String(key)) else { return String(line) }
            return String(line.dropFirst(2))
        }.joined(separator: "\n")
    }

    @Test func itNamesEverySettingOnceAndSetsNothingAsShipped() throws {
        #expect(try ConfigFile.parse(try Self.text(), known: Set(RelayConfiguration.settingNames)).isEmpty)
        let settings = try ConfigFile.parse(try Self.uncommented(), known: Set(RelayConfiguration.settingNames))
        #expect(Set(settings.keys) == Set(RelayConfiguration.settingNames),
                "missing: \(Set(RelayConfiguration.settingNames).subtracting(settings.keys).sorted())")
    }

    @Test func itsValuesAreTheDefaults() throws {
        let settings = try ConfigFile.parse(try Self.uncommented(), known: Set(RelayConfiguration.settingNames))
        let configuration = try RelayConfiguration(settings: settings)
        let defaults = RelayConfiguration(dataDirectory: "/var/lib/twofold-relay")
        #expect(configuration.limits == defaults.limits)
        #expect(configuration.host == defaults.host && configuration.port == defaults.port)
        #expect(configuration.registration == defaults.registration)
        #expect(configuration.logLevel == defaults.logLevel)
        #expect(configuration.dataDirectory == "/var/lib/twofold-relay")
    }
}

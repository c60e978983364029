import ArgumentParser
import Foundation
import TwofoldSync
import TwofoldVault

/// `twofold config`: the device's settings in `<home>/config` (README, "Settings").
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or change this device's settings (<home>/config).",
        discussion: """
            Settings: time-source = system | relay (the clock 'code' and 'codes' use; \
            --time-source overrides it); relay-ca = FILE (a PEM file of CA certificates every \
            command and the daemon trust for the relay; --relay-ca overrides it); backup-dir = DIR \
            (the daemon writes a backup file there on its schedule, locked or not). The file holds 'key = value' lines and '#' comments \
            and may be edited by hand; an unknown key or value is an error naming its line.
            """,
        subcommands: [List.self, Get.self, Set.self, Unset.self],
        defaultSubcommand: List.self)

    /// The home's settings, after checking that a vault lives there.
    static func load(_ global: GlobalOptions) throws -> HomeConfig {
        let home = global.vaultHome
        guard home.hasVault else {
            throw CLIError("there is no vault in \(home.path): create one with 'twofold init' (or choose another with --home)")
        }
        return try HomeConfig.load(home: home)
    }

    static func key(_ name: String) throws -> HomeConfig.Key {
        guard let key = HomeConfig.Key(rawValue: name) else {
            throw CLIError.usage("unknown setting '\(name)': known are \(HomeConfig.Key.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return key
    }

    static func save(_ config: HomeConfig, _ global: GlobalOptions) throws {
        try SecureFile.write(Data(config.text.utf8), to: HomeConfig.path(home: global.vaultHome))
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print every setting that is set.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let config = try ConfigCommand.load(global)
            let set = HomeConfig.Key.allCases.compactMap { key in config[key].map { (key.rawValue, $0) } }
            if output.json {
                try JSONOutput.print(Dictionary(uniqueKeysWithValues: set))
            } else {
                for (key, value) in set { print("\(key) = \(value)") }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one setting (exit status 1 when it is not set).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The setting, e.g. time-source.") var key: String

        func run() throws {
            let key = try ConfigCommand.key(key)
            guard let value = try ConfigCommand.load(global)[key] else {
                throw CLIError("\(key.rawValue) is not set (the default applies): set it with 'twofold config set \(key.rawValue) VALUE'")
            }
            print(value)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a setting.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The setting, e.g. time-source.") var key: String
        @Argument(help: "Its value, e.g. relay.") var value: String

        func run() throws {
            let key = try ConfigCommand.key(key)
            var config = try ConfigCommand.load(global)
            var value = value
            if key == .relayCA { value = try Self.checkedCAFile(value) }
            if key == .backupDir { value = try Self.checkedFolder(value) }
            do {
                try config.set(key, to: value)
            } catch {
                throw CLIError.usage(error.description)
            }
            try ConfigCommand.save(config, global)
        }

        /// `backup-dir` as an absolute path, once it is known to be a folder this user can
        /// write: a mistyped path must not surface a day later as a missing backup.
        static func checkedFolder(_ path: String) throws -> String {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let standardized = (absolute as NSString).standardizingPath
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory), isDirectory.boolValue,
                  access(standardized, W_OK | X_OK) == 0 else {
                throw CLIError.usage("\(standardized) is not a folder you can write: create it (or mount the drive) first")
            }
            return standardized
        }

        /// `relay-ca`'s file as an absolute path, once it is known to hold a PEM
        /// certificate: a typo must not surface later as a TLS failure of the daemon.
        static func checkedCAFile(_ path: String) throws -> String {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let standardized = (absolute as NSString).standardizingPath
            guard let data = SmallFile.contents(standardized), String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
                throw CLIError.usage("\(standardized) is not a readable PEM file of CA certificates (under 64 KiB): give the relay's CA certificate file")
            }
            return standardized
        }
    }

    struct Unset: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unset", abstract: "Remove a setting (its default applies again).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The setting, e.g. time-source.") var key: String

        func run() throws {
            let key = try ConfigCommand.key(key)
            var config = try ConfigCommand.load(global)
            config.unset(key)
            try ConfigCommand.save(config, global)
        }
    }
}

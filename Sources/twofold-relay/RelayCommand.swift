import ArgumentParser
import Foundation
import Logging
import TwofoldRelay

/// `twofold-relay`: the self-hostable relay (README, "Running a relay"). Wiring only: the
/// relay itself is the TwofoldRelay library.
@main
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twofold-relay",
        abstract: "The Twofold relay: stores what devices sync, sealed, and passes changes between them.",
        version: TwofoldRelayVersion.current,
        subcommands: [Serve.self, Invite.self, Accounts.self, RotateSecret.self, Migrate.self, Copy.self])

    /// Every file the relay makes is its user's alone: the database and its `-wal` and
    /// `-shm` files (which hold the token secret) are created 0600, directories 0700.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}

/// Where the store is: shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory holding relay.sqlite (env TWOFOLD_RELAY_DATA; default /var/lib/twofold-relay as root, else $XDG_DATA_HOME/twofold-relay).")
    var data: String?

    @Option(name: .long, help: "PostgreSQL store shared by replicas: postgres://USER@HOST:PORT/DB (env TWOFOLD_RELAY_DATABASE; default: SQLite in --data).")
    var database: String?

    @Option(name: .long, help: "Config file (env TWOFOLD_RELAY_CONFIG).")
    var config: String?

    /// The config file the systemd unit gives `serve`; admin commands read it too when no
    /// other is named, so they find the store the service uses.
    static let serviceConfig = "/etc/twofold-relay/relay.conf"

    /// The configuration these options and the environment give. With `asAdmin`, the
    /// service's config file counts when no other is named and it exists.
    func load(_ extra: [String: String] = [:], asAdmin: Bool = false) throws -> RelayConfiguration {
        var flags = extra
        if let data { flags["data"] = data }
        if let database { flags["database"] = database }
        if let config { flags["config"] = config }
        if asAdmin, flags["config"] == nil, ProcessInfo.processInfo.environment[RelayConfiguration.environmentName("config")] == nil,
           FileManager.default.fileExists(atPath: Self.serviceConfig) {
            flags["config"] = Self.serviceConfig
        }
        do {
            return try RelayConfiguration.load(flags: flags)
        } catch let error as ConfigurationError {
            // One line, like every other refusal (not ArgumentParser's usage text).
            throw fail(error.description)
        }
    }

    /// Runs `body` with an admin on the configured store (SQLite or PostgreSQL), closed
    /// after. A store that does not exist is refused, never created.
    func withAdmin<T>(_ body: (RelayAdmin) async throws -> T) async throws -> T {
        let store = try await openStore(try load(asAdmin: true), existingOnly: true)
        do {
            let result = try await body(RelayAdmin(store: store))
            await closeRelayStore(store)
            return result
        } catch let error as ConfigurationError {
            await closeRelayStore(store)
            throw fail(error.description)
        } catch {
            await closeRelayStore(store)
            throw error
        }
    }
}

/// Opens the store a configuration names; a store that cannot be opened is one line.
func openStore(_ configuration: RelayConfiguration, existingOnly: Bool = false) async throws -> any RelayStore {
    do {
        return try await openRelayStore(configuration, logger: quietLogger(), existingOnly: existingOnly)
    } catch let error as PostgresStoreError {
        throw fail(error.description)
    } catch let error as RelayStoreError {
        throw fail(error.description)
    }
}

/// A logger for admin commands: warnings and worse, to stderr.
func quietLogger() -> Logger {
    var logger = Logger(label: "twofold-relay") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}

/// Prints `twofold-relay: message` to stderr and exits 1.
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("twofold-relay: \(message)\n".utf8))
    return ExitCode(1)
}

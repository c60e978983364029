import ArgumentParser
import Foundation
import Logging
import SystemdNotify
import TwofoldRelay

/// `twofold-relay serve`: runs the relay until SIGTERM or SIGINT, then shuts down
/// gracefully (in-flight requests finish, push streams close cleanly).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the relay.")

    @OptionGroup var store: StoreOptions
    @Option(help: "HOST:PORT to listen on (env TWOFOLD_RELAY_LISTEN; default 127.0.0.1:8787).") var listen: String?
    @Option(help: "open, invite or closed (env TWOFOLD_RELAY_REGISTRATION; default invite).") var registration: String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (env TWOFOLD_RELAY_TLS_CERT).") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert (env TWOFOLD_RELAY_TLS_KEY).") var tlsKey: String?
    @Option(name: .customLong("trusted-proxy"), help: "Comma-separated proxy addresses whose X-Forwarded-For is believed (env TWOFOLD_RELAY_TRUSTED_PROXY).") var trustedProxy: String?
    @Option(name: .customLong("metrics-token"), help: "Bearer token /metrics requires (env TWOFOLD_RELAY_METRICS_TOKEN).") var metricsToken: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env TWOFOLD_RELAY_LOG_LEVEL; default info).") var logLevel: String?

    func run() async throws {
        var flags: [String: String] = [:]
        for (key, value) in [("listen", listen), ("registration", registration), ("tls-cert", tlsCert), ("tls-key", tlsKey),
                             ("trusted-proxy", trustedProxy), ("metrics-token", metricsToken), ("log-level", logLevel)] {
            if let value { flags[key] = value }
        }
        let configuration = try store.load(flags)
        // Before anything is written: a store others could read would give away its secrets.
        if configuration.postgres == nil, let problem = DataDirectoryCheck.problem(configuration.dataDirectory) {
            throw fail(problem)
        }
        // Before the store is opened (and so created): one line, nothing written.
        if let problem = StartupCheck.problem(configuration) { throw fail(problem) }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        var logger = Logger(label: "twofold-relay")
        logger.logLevel = configuration.logLevel
        do {
            // Under systemd (Type=notify) the unit becomes active only once the port is bound,
            // so `systemctl start` returns when the relay answers (README, "Running a relay").
            let notifier = SystemdNotifier()
            try await runRelay(configuration, logger: logger) { host, port in
                notifier.ready(status: "serving on \(host):\(port)")
            }
        } catch let error as PostgresStoreError {
            throw fail(error.description)
        }
        logger.notice("twofold-relay stopped")
    }
}

import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// Builds the relay: opens the store the configuration names (SQLite in the data directory,
/// or PostgreSQL with `--database`) and returns the application, ready to run or to test
/// with `app.test(.router)` / `.live`.
public func buildApplication(_ configuration: RelayConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let store = try await openRelayStore(configuration, logger: logger ?? Logger(label: "twofold-relay"))
    return try await buildApplication(configuration, store: store, logger: logger)
}

/// Builds the relay on a given store (tests, other stores).
public func buildApplication(_ configuration: RelayConfiguration, store: any RelayStore,
                             logger: Logger? = nil,
                             onServerRunning: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "twofold-relay")
    logger.logLevel = configuration.logLevel
    let relay = try await Relay(configuration: configuration, store: store, logger: logger)
    let router = Router(context: RelayRequestContext.self)
    RelayRoutes(relay: relay).add(to: router)
    let responder = RelayResponder(inner: router.buildResponder(), relay: relay)
    let server: HTTPServerBuilder
    // Every connection is counted by its address and refused past the caps (ConnectionGate);
    // one that sends no whole request, or idles between requests, for `idle-timeout` is
    // closed. An answer in progress (a push stream) is never cut by it.
    let table = relay.connections, dateHeader = relay.dateHeader, clock = relay.clock, metrics = relay.metrics
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [
            ReceiveBufferSize(),
            ConnectionGate(table: table, date: { dateHeader.value(nowMs: clock.nowMs) },
                           onRefusal: { metrics.connectionRefused($0 == .tooManyFromAddress ? "address" : "total") }),
        ],
        idleTimeout: .seconds(Int64(configuration.limits.idleTimeoutSeconds)))
    if let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        server = try .tls(.http1(configuration: http1), tlsConfiguration: tls)
    } else {
        server = .http1(configuration: http1)
    }
    let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
    var services: [any Service] = [relay.hub, Housekeeping(relay: relay)]
    if let postgres = store as? PostgresRelayStore {
        // Changes committed through other replicas (and admin commands) reach this one (issue 8).
        services.append(PostgresChangeListener(store: postgres, fanOut: relay.hub, directory: relay.directory, logger: logger))
    }
    let storeName = (store as? PostgresRelayStore)?.location.description ?? configuration.dataDirectory
    return Application(
        responder: responder,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, backlog: 4096),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            relay.logger.notice("twofold-relay listening", metadata: [
                "url": "\(scheme)://\(configuration.host):\(port)", "registration": "\(configuration.registration.rawValue)",
                "store": "\(storeName)",
            ])
            await onServerRunning(configuration.host, port)
        },
        logger: logger)
}

/// Builds the relay and runs it until SIGTERM or SIGINT, then shuts down gracefully:
/// the listener closes, in-flight requests finish and push streams end cleanly.
/// `onServerRunning` is called once the listener is bound (the executable tells systemd
/// `READY=1` there: `Type=notify` in systemd/twofold-relay.service).
public func runRelay(_ configuration: RelayConfiguration, logger: Logger,
                     onServerRunning: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
    // Swift concurrency's jobs run on NIO's event loops (the relay's own process only, once,
    // before the server starts), so a request is not passed back and forth between the loop
    // that reads its socket and the concurrency pool's threads: +15-30 % requests per second
    // on 2 cores (README, "The relay"). Nothing in the relay blocks a thread for long: SQLite
    // runs on GRDB's own dispatch queues.
    let installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    logger.debug("event loops run Swift concurrency", metadata: ["installed": "\(installed)"])
    let store = try await openRelayStore(configuration, logger: logger)
    let app = try await buildApplication(configuration, store: store, logger: logger, onServerRunning: onServerRunning)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}

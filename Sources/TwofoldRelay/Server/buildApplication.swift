import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL

/// Builds the relay: opens the SQLite store in the configuration's data directory and
/// returns the application, ready to run or to test with `app.test(.router)` / `.live`.
public func buildApplication(_ configuration: RelayConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let store = try SQLiteRelayStore(directory: configuration.dataDirectory)
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
    if let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        server = try .tls(.http1(), tlsConfiguration: tls)
    } else {
        server = .http1()
    }
    let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
    return Application(
        responder: responder,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, backlog: 4096),
        services: [relay.hub, Housekeeping(relay: relay)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            relay.logger.notice("twofold-relay listening", metadata: [
                "url": "\(scheme)://\(configuration.host):\(port)", "registration": "\(configuration.registration.rawValue)",
                "data": "\(configuration.dataDirectory)",
            ])
            await onServerRunning(configuration.host, port)
        },
        logger: logger)
}

/// Builds the relay and runs it until SIGTERM or SIGINT, then shuts down gracefully:
/// the listener closes, in-flight requests finish and push streams end cleanly.
public func runRelay(_ configuration: RelayConfiguration, logger: Logger) async throws {
    let app = try await buildApplication(configuration, logger: logger)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}

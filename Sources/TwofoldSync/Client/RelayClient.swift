import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP side of talking to a relay (Protocol/relay-api.md): JSON requests with
/// timeouts on everything, TLS verification always on (plus `--relay-ca`), `HTTPS_PROXY`
/// honoured, relay errors mapped to ``SyncError``, and the relay's clock and the bytes
/// on the wire measured. The concerns built on it are ``RelaySession`` (sign-in and
/// token refresh), ``RecordsAPI``, ``AccountsAPI``, ``RecoveryAPI`` and ``EventStream``.
public final class RelayClient: Sendable {
    /// How this client reaches the relay.
    public let configuration: RelayClientConfiguration
    /// Bytes and clock offset measured so far.
    public let traffic = TrafficMeter()
    let http: HTTPClient

    /// Largest response body read: a relay ends a pull page at its `page-bytes` (4 MiB by
    /// default, at most 48 MiB) plus one record, so every page is well below.
    static let maximumResponseBytes = 64 << 20

    /// Creates a client; call ``shutdown()`` when done.
    public init(_ configuration: RelayClientConfiguration) throws(SyncError) {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile = configuration.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else { throw SyncError.certificateFile(path: caFile, reason: "no certificate in it") }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as SyncError {
                throw error
            } catch {
                throw .certificateFile(path: caFile, reason: "not a readable PEM file")
            }
        }
        var config = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.streamIdleTimeout)))
        config.httpVersion = .http1Only
        // A failed connection (refused, or a certificate the device does not trust) is
        // reported at once instead of retried until the connect timeout: the CLI says what
        // is wrong in a fraction of a second, and the daemon has its own backoff (Backoff).
        config.connectionPool.retryConnectionEstablishment = false
        if let proxy = configuration.proxy {
            if let credentials = proxy.credentials {
                config.proxy = .server(host: proxy.host, port: proxy.port,
                                       authorization: .basic(username: credentials.user, password: credentials.password))
            } else {
                config.proxy = .server(host: proxy.host, port: proxy.port)
            }
        }
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Closes connections. The client cannot be used afterwards.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A client dropped without ``shutdown()`` (an early return or a throw between
    /// creating it and using it) shuts down here: AsyncHTTPClient otherwise stops a debug
    /// build with "Client not shut down before the deinit" (issue 20, `relay set`). While
    /// it shuts down, AsyncHTTPClient keeps the HTTPClient alive itself; after
    /// ``shutdown()`` this only reports `alreadyShutdown` to a callback that ignores it.
    deinit {
        http.shutdown(queue: .global()) { _ in }
    }

    /// The relay as people see it.
    public var relay: String { configuration.endpoint.description }

    /// Sends one JSON request and decodes the answer, or throws ``SyncError``.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)? = nil, bearer: String? = nil,
        as type: Response.Type
    ) async throws(SyncError) -> Response {
        let (status, headers, data) = try await exchange(method, path, body: body, bearer: bearer)
        guard (200..<300).contains(status) else { throw Self.failure(status: status, headers: headers, body: data) }
        if data.isEmpty, let empty = Wire.Empty() as? Response { return empty }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw .invalidResponse("\(method) \(path.split(separator: "?")[0]) answered JSON that does not match the API")
        }
    }

    /// One request and its whole response (status, headers, body).
    func exchange(_ method: HTTPMethod, _ path: String, body: (any Encodable & Sendable)?, bearer: String?)
        async throws(SyncError) -> (Int, HTTPHeaders, Data) {
        var request = HTTPClientRequest(url: configuration.endpoint.url(path))
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        var bodyBytes = Data()
        if let body {
            do { bodyBytes = try JSONEncoder().encode(body) } catch {
                throw .invalidResponse("cannot encode the request: \(error)")
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bodyBytes))
        }
        let started = Date()
        do {
            let response = try await http.execute(request, timeout: .init(configuration.requestTimeout))
            let buffer = try await response.body.collect(upTo: Self.maximumResponseBytes)
            let data = Data(buffer.readableBytesView)
            await meter(request: request, path: path, bodyBytes: bodyBytes.count, response: response,
                        responseBytes: data.count, started: started)
            return (Int(response.status.code), response.headers, data)
        } catch {
            throw Self.transportError(error, relay: relay)
        }
    }

    /// Counts the HTTP/1.1 message sizes and reads the relay's clock ([API-4]).
    func meter(request: HTTPClientRequest, path: String, bodyBytes: Int, response: HTTPClientResponse,
               responseBytes: Int, started: Date) async {
        let endpoint = configuration.endpoint
        var sent = "\(request.method.rawValue) \(endpoint.basePath)\(path) HTTP/1.1\r\n".utf8.count
        sent += "Host: \(endpoint.host):\(endpoint.port)\r\n".utf8.count
        for header in request.headers { sent += header.name.utf8.count + header.value.utf8.count + 4 }
        if bodyBytes > 0 { sent += "Content-Length: \(bodyBytes)\r\n".utf8.count }
        sent += 2 + bodyBytes
        var received = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8.count
        for header in response.headers { received += header.name.utf8.count + header.value.utf8.count + 4 }
        received += 2 + responseBytes
        await traffic.record(sent: sent, received: received)
        if let date = response.headers.first(name: "Date"), let relayMs = HTTPDate.milliseconds(date) {
            // The Date header is coarse (ClockSample.dateResolutionMs); the meter intersects the samples' intervals.
            await traffic.record(clock: ClockSample(
                sentMs: Int64((started.timeIntervalSince1970 * 1000).rounded(.down)), receivedMs: SystemClock.wallNowMs(),
                relayMs: relayMs, resolutionMs: ClockSample.dateResolutionMs))
        }
    }

    /// Maps a relay error response (Protocol/relay-api.md, "Errors").
    static func failure(status: Int, headers: HTTPHeaders, body: Data) -> SyncError {
        let retryAfter = headers.first(name: "Retry-After").flatMap { Int($0) }
        guard let decoded = try? JSONDecoder().decode(Wire.ErrorBody.self, from: body) else {
            return .relay(RelayFailure(status: status, code: "http_\(status)",
                                       message: "HTTP \(status) without a Twofold error body: is this a Twofold relay?",
                                       retryAfterSeconds: retryAfter))
        }
        let code = decoded.error.code
        let message = decoded.error.message.replacingOccurrences(of: "\n", with: " ")
        switch code {
        case "auth_failed": return .deviceUnknown
        case "device_revoked": return .deviceRevoked
        case "account_deleted": return .accountDeleted
        case "account_disabled": return .accountDisabled
        case "recovery_failed": return .recoveryFailed
        case "rate_limited": return .rateLimited(retryAfterSeconds: retryAfter ?? 1, recovery: false)
        case "recovery_rate_limited": return .rateLimited(retryAfterSeconds: retryAfter ?? 60, recovery: true)
        case "version_conflict", "head_conflict": return .conflict(code: code)
        default: return .relay(RelayFailure(status: status, code: code, message: message, retryAfterSeconds: retryAfter))
        }
    }

    /// Maps a failure below HTTP: connection, timeout, TLS.
    static func transportError(_ error: any Error, relay: String) -> SyncError {
        if let error = error as? SyncError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
                 .getConnectionFromPoolTimeout, .httpProxyHandshakeTimeout:
                return .timedOut(relay: relay)
            case .proxyAuthenticationRequired, .invalidProxyResponse:
                return .unreachable(relay: relay, reason: "the proxy refused the connection")
            case .remoteConnectionClosed:
                return .unreachable(relay: relay, reason: "the connection closed before an answer")
            default:
                return .unreachable(relay: relay, reason: "the HTTP exchange failed")
            }
        }
        if let error = error as? SocketAddressError.UnknownHost {
            return .unreachable(relay: relay, reason: "the host name \(error.host.prefix(100)) is not known (DNS)")
        }
        if error is NIOSSLError || String(describing: type(of: error)).contains("SSL") {
            return .tls(relay: relay, reason: Self.tlsReason(String(describing: error)))
        }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            return .unreachable(relay: relay, reason: "connection refused")
        }
        // NIO's IOError reads "read(descriptor:pointer:size:): Connection reset by peer (errno: 104)".
        if text.contains("Connection reset") || text.contains("errno: 104") {
            return .unreachable(relay: relay, reason: "the connection was reset")
        }
        if text.contains("Broken pipe") || text.contains("errno: 32)") {
            return .unreachable(relay: relay, reason: "the connection was cut while sending")
        }
        // NIOConnectionError carries the DNS lookups' errors; SocketAddressError.UnknownHost
        // reads "Name or service not known" (EAI_NONAME) or "Temporary failure in name resolution".
        if text.contains("UnknownHost") || text.contains("not known") || text.contains("name resolution") {
            return .unreachable(relay: relay, reason: "the relay's host name is not known (DNS)")
        }
        if text.contains("Network is unreachable") || text.contains("errno: 101") || text.contains("No route to host") {
            return .unreachable(relay: relay, reason: "no route to the relay's network")
        }
        // Anything else: never a Swift description (type names, "errno:"), only what happened.
        return .unreachable(relay: relay, reason: "the connection failed")
    }
}

extension RelayClient {
    /// BoringSSL's error text, said the way a person can act on.
    static func tlsReason(_ text: String) -> String {
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("1000007d") || text.contains("CERTIFICAT") {
            return "the relay's certificate is not trusted by this device"
        }
        if text.contains("hostname") || text.contains("unableToValidateCertificate") {
            return "the relay's certificate is not for this address"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("1000010b") {
            return "the relay does not speak TLS on this port (http:// instead of https://?)"
        }
        if text.contains("unexpectedEOF") || text.contains("uncleanShutdown") {
            return "the relay closed the connection during the TLS handshake"
        }
        return "the TLS handshake failed"
    }
}

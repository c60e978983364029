import Foundation

/// How a ``RelayClient`` reaches its relay: the endpoint, extra trust, proxy, timeouts.
public struct RelayClientConfiguration: Sendable {
    /// An HTTP proxy for `CONNECT` tunnels (from `HTTPS_PROXY`).
    public struct Proxy: Sendable, Equatable {
        /// Proxy host.
        public var host: String
        /// Proxy port.
        public var port: Int
        /// `user:password` for Basic proxy authentication, when the URL carries it.
        public var credentials: (user: String, password: String)?

        public static func == (a: Proxy, b: Proxy) -> Bool {
            a.host == b.host && a.port == b.port && a.credentials?.user == b.credentials?.user
                && a.credentials?.password == b.credentials?.password
        }
    }

    /// The relay.
    public var endpoint: RelayEndpoint
    /// A PEM file of extra CA certificates for a self-signed relay (`--relay-ca FILE`);
    /// the system's roots stay trusted and verification stays on.
    public var caFile: String?
    /// The proxy, from the environment.
    public var proxy: Proxy?
    /// Time to open a connection.
    public var connectTimeout: Duration = .seconds(10)
    /// Time for a whole request and its response.
    public var requestTimeout: Duration = .seconds(60)
    /// Longest silence on an open push stream (the relay sends a keep-alive every 25 s).
    public var streamIdleTimeout: Duration = .seconds(60)

    /// A configuration; the proxy is read from `environment` (`HTTPS_PROXY`/`https_proxy`,
    /// minus `NO_PROXY`/`no_proxy`). Loopback relays never go through a proxy.
    public init(endpoint: RelayEndpoint, caFile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.endpoint = endpoint
        self.caFile = caFile
        self.proxy = Self.proxy(for: endpoint, environment: environment)
    }

    /// The proxy `environment` asks for when talking to `endpoint`.
    static func proxy(for endpoint: RelayEndpoint, environment: [String: String]) -> Proxy? {
        guard !endpoint.isLoopback else { return nil }
        let names = endpoint.usesTLS ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]
        guard let text = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let noProxy = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for entry in noProxy where !entry.isEmpty {
            if entry == "*" { return nil }
            let suffix = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            let hostOnly = suffix.split(separator: ":").first.map(String.init) ?? suffix
            if endpoint.host == hostOnly || endpoint.host.hasSuffix("." + hostOnly) { return nil }
        }
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let url = URLComponents(string: withScheme), let host = url.host, !host.isEmpty else { return nil }
        var proxy = Proxy(host: host, port: url.port ?? 80)
        if let user = url.user { proxy.credentials = (user.removingPercentEncoding ?? user, (url.password ?? "").removingPercentEncoding ?? "") }
        return proxy
    }
}

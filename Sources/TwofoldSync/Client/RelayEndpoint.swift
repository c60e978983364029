import Foundation

/// A relay's origin, checked (Protocol/relay-api.md, "Transport"): `https://HOST[:PORT][/PATH]`,
/// or plain `http://` on a loopback address only, unless the user allows it ([API-3]).
public struct RelayEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public let scheme: String
    /// Host name or address.
    public let host: String
    /// TCP port.
    public let port: Int
    /// A path prefix the relay is served under ("" for none), without a trailing slash.
    public let basePath: String

    /// Parses and checks `text`.
    public init(_ text: String, allowInsecure: Bool = false) throws(SyncError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil, url.user == nil
        else { throw .invalidRelayURL(text) }
        self.scheme = scheme
        self.host = host.lowercased()
        port = url.port ?? (scheme == "https" ? 443 : 80)
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        if scheme == "http" && !isLoopback && !allowInsecure { throw .insecureRelay(description) }
    }

    /// True for `localhost`, 127.0.0.0/8 and `::1`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// True for `https`.
    public var usesTLS: Bool { scheme == "https" }

    /// The canonical origin text, as stored in the vault and shown to people.
    public var description: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostText)\(port == defaultPort ? "" : ":\(port)")\(basePath)"
    }

    /// The absolute URL of an API path such as `/v1/records`.
    func url(_ path: String) -> String { description + path }
}

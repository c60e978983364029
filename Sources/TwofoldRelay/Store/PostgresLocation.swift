import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL relay store lives: a `postgres://` URL (README, "Deployment").
///
///     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]
///     postgres://USER@/DATABASE?host=/run/postgresql          (Unix socket directory)
///
/// `postgresql://` is accepted too. Without a password in the URL, `PGPASSWORD` is used.
/// The password never appears in ``description`` (logs, errors).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// TLS to the server.
    public enum TLSMode: String, Sendable {
        /// Plain TCP (loopback, or a private network you trust).
        case disable
        /// TLS when the server offers it (default).
        case prefer
        /// TLS or nothing.
        case require
    }

    /// The role to log in as.
    public var user: String
    /// Its password, if any.
    public var password: String?
    /// Host name or address (TCP), when no socket directory is given.
    public var host: String
    /// Port: 5432 by default.
    public var port: Int
    /// The database.
    public var database: String
    /// A Unix socket directory, instead of TCP.
    public var socketDirectory: String?
    /// TLS mode.
    public var tls: TLSMode

    /// Parses a URL; the error says what is wrong and what to write instead.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let usage = "write postgres://USER@HOST:PORT/DATABASE"
        var rest: Substring
        if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw ConfigurationError("database '\(text.prefix(60))' is not a postgres:// URL: \(usage)")
        }
        var query: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = String(parts[1]).removingPercentEncoding else {
                    throw ConfigurationError("database URL parameter '\(pair.prefix(40))' is not NAME=VALUE: \(usage)?sslmode=require")
                }
                query[String(parts[0])] = value
            }
            rest = rest[..<q]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw ConfigurationError("the database URL names no user: \(usage)")
        }
        let credentials = rest[..<at]
        let userPart = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let user = userPart.first.flatMap({ String($0).removingPercentEncoding }), !user.isEmpty else {
            throw ConfigurationError("the database URL names no user: \(usage)")
        }
        self.user = user
        password = userPart.count == 2 ? String(userPart[1]).removingPercentEncoding : environment["PGPASSWORD"]
        var hostPart = rest[rest.index(after: at)...]
        var database = user
        if let slash = hostPart.firstIndex(of: "/") {
            let name = String(hostPart[hostPart.index(after: slash)...]).removingPercentEncoding ?? ""
            if !name.isEmpty { database = name }
            hostPart = hostPart[..<slash]
        }
        self.database = database
        port = 5432
        if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                throw ConfigurationError("the database URL's port '\(hostPart[hostPart.index(after: colon)...].prefix(10))' is not 1 to 65535: \(usage)")
            }
            port = p
            hostPart = hostPart[..<colon]
        }
        if hostPart.hasPrefix("[") && hostPart.hasSuffix("]") { hostPart = hostPart.dropFirst().dropLast() }
        socketDirectory = query.removeValue(forKey: "host")
        guard !hostPart.isEmpty || socketDirectory != nil else {
            throw ConfigurationError("the database URL names no host: \(usage) (or ?host=/run/postgresql for a socket)")
        }
        host = String(hostPart)
        let mode = query.removeValue(forKey: "sslmode") ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw ConfigurationError("sslmode '\(mode.prefix(20))' is not disable, prefer or require: \(usage)?sslmode=require")
        }
        self.tls = tls
        if let unknown = query.keys.sorted().first {
            throw ConfigurationError("the database URL parameter '\(unknown.prefix(40))' is not known: use sslmode or host (postgres://USER@HOST:PORT/DATABASE?sslmode=require)")
        }
    }

    /// The URL without the password.
    public var description: String {
        let at = socketDirectory.map { "/\(database)?host=\($0)" } ?? "\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        return "postgres://\(user)@\(socketDirectory == nil ? "" : "")\(at)"
    }

    /// This location with another database (tests, `copy`).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// One plain connection, to learn quickly why a server cannot be used (the pool retries
    /// for about a minute before it gives up, and then does not say why).
    func probe(logger: Logger) async throws {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let context: () throws -> NIOSSLContext = { try NIOSSLContext(configuration: .makeClientConfiguration()) }
            let mode: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(try context())
            case .require: mode = .require(try context())
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        try await connection.query("SELECT 1", logger: logger)
    }

    /// The postgres-nio client configuration.
    var clientConfiguration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user,
                                                password: password, database: database)
        }
        let tlsMode: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: tlsMode = .disable
        case .prefer: tlsMode = .prefer(.makeClientConfiguration())
        case .require: tlsMode = .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tlsMode)
    }
}

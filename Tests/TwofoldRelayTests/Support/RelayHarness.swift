import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TwofoldProtocol
@testable import TwofoldRelay

/// How a test reaches the relay — in process through the router, or over TCP to a live
/// server — and on which store (``StoreFactory``: SQLite, and PostgreSQL when
/// `TWOFOLD_TEST_POSTGRES_URL` is set).
struct Mode: CaseIterable, CustomTestStringConvertible, Sendable, Equatable {
    enum Transport: String, Sendable { case router, live }
    let transport: Transport
    let backend: StoreFactory

    /// In process, on SQLite.
    static let router = Mode(transport: .router, backend: .sqlite)
    /// Over TCP, on SQLite.
    static let live = Mode(transport: .live, backend: .sqlite)
    /// Both transports on every backend available.
    static var allCases: [Mode] {
        StoreFactory.allCases.flatMap { backend in [Mode(transport: .router, backend: backend), Mode(transport: .live, backend: backend)] }
    }

    var testDescription: String { backend == .sqlite ? transport.rawValue : "\(transport.rawValue)-\(backend.rawValue)" }
    var setup: TestingSetup { transport == .router ? .router : .live }
}

/// A relay built by the real `buildApplication`, on a real store (SQLite in a temporary
/// directory, or a fresh PostgreSQL database), with a clock the test can move.
struct RelayHarness: Sendable {
    let directory: String
    let clock: ManualRelayClock
    let configuration: RelayConfiguration

    /// A harness with limits high enough not to interfere, open registration, and `adjust`.
    init(_ adjust: (inout RelayConfiguration) -> Void = { _ in }) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-test-\(UUID().uuidString)").path
        clock = ManualRelayClock()
        var c = RelayConfiguration(dataDirectory: directory)
        c.port = 0
        c.registration = .open
        c.limits = .unlimited
        c.clock = clock
        c.logLevel = .warning
        adjust(&c)
        configuration = c
    }

    /// Builds the application on `mode`'s store and runs `body` against it; removes the store after.
    func run(_ mode: Mode, _ body: @Sendable (RelayTestClient) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (store, cleanup) = try await mode.backend.make(directory: directory)
        defer { cleanup() }
        let app = try await buildApplication(configuration, store: store)
        try await app.test(mode.setup) { client in
            try await body(RelayTestClient(client: client, clock: clock, store: store))
        }
    }
}

/// A response, with its body parsed as JSON when it is.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: [UInt8]

    var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// `error.code`, or nil.
    var code: String? { if case .string(let s)? = json["error"]?["code"] { return s } else { return nil } }
    subscript(_ key: String) -> JSONValue? { json[key] }
}

/// A thin client over HummingbirdTesting's, speaking JSON.
struct RelayTestClient: Sendable {
    let client: any TestClientProtocol
    let clock: ManualRelayClock
    /// The store the relay runs on (admin operations in tests go straight to it).
    let store: any RelayStore

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, raw: [UInt8]? = nil, token: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: json.bytes)
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        } else if let raw {
            body = ByteBuffer(bytes: raw)
        }
        let r = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return Reply(status: Int(r.status.code), headers: r.headers, body: Array(r.body.readableBytesView))
    }

    func get(_ path: String, token: String? = nil) async throws -> Reply { try await send(.get, path, token: token) }

    /// A GET on its own connection (a push stream must not hold up the other requests of a
    /// live test, whose client has one connection).
    func stream(_ path: String, token: String) async throws -> Reply {
        guard let port = client.port else { return try await get(path, token: token) }
        return try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30))) { own in
            let r = try await own.get(path, headers: [.authorization: "Bearer \(token)"])
            return Reply(status: Int(r.status.code), headers: r.headers, body: r.body.map { Array($0.readableBytesView) } ?? [])
        }
    }
    func post(_ path: String, _ json: JSONValue, token: String? = nil) async throws -> Reply {
        try await send(.post, path, json: json, token: token)
    }
}

extension JSONValue {
    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var int: Int64? { if case .int(let i) = self { return i } else { return nil } }
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
}

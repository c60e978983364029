import Foundation
import Testing

/// A relay and device homes in a temporary directory, with the real `twofold-relay`,
/// `twofoldd` and `twofold` binaries built beside this test bundle.
final class Cluster: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let productsDirectory: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("twofoldd").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    static func binary(_ name: String) -> URL { productsDirectory.appendingPathComponent(name) }

    let root: URL
    let registry = ProcessRegistry()
    let port: Int
    var relay: Process?
    var daemons: [String: Process] = [:]
    var accountID = ""

    var relayURL: String { "http://127.0.0.1:\(port)" }

    init() throws {
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("tfd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try Self.freePort()
    }

    deinit { tearDown() }

    /// Stops every process and removes the directory (unless the test failed: then it stays, for the logs).
    func tearDown(keep: Bool = false) {
        registry.stopAll()
        if !keep { try? FileManager.default.removeItem(at: root) }
    }

    func home(_ name: String) -> String { root.appendingPathComponent(name).path }

    // MARK: Relay

    func startRelay() throws {
        relay = try registry.start(Self.binary("twofold-relay"),
                                   ["serve", "--listen", "127.0.0.1:\(port)", "--data", root.appendingPathComponent("relay").path,
                                    "--registration", "open", "--log-level", "warning"],
                                   log: root.appendingPathComponent("relay.log"))
        try waitUntil("the relay listens", timeout: 20) { Self.canConnect(port: self.port) }
    }

    func stopRelay() {
        if let relay { registry.stop(relay) }
        relay = nil
    }

    // MARK: Devices

    /// Device A: a `--no-passphrase` vault with a new account on the relay.
    func createAccount(_ name: String, passphrase: String? = nil) throws {
        var args = ["init", "--relay", relayURL, "--recovery-key-file", root.appendingPathComponent("recovery.txt").path]
        if passphrase == nil { args.append("--no-passphrase") } else { args.append("--passphrase-stdin") }
        try cli(name, args, input: passphrase.map { "\($0)\n\($0)\n" } ?? "")
        let status = try json(name, ["status", "--json"]) as? [String: Any]
        accountID = status?["account_id"] as? String ?? ""
    }

    /// The usual start of a test: a relay, an account created on `first` (no passphrase),
    /// the `others` restored from its recovery key, and a daemon on each.
    func startSyncingDevices(_ first: String, _ others: String...) throws {
        try startRelay()
        try createAccount(first)
        for name in others { try restore(name) }
        for name in [first] + others { try startDaemon(name) }
    }

    /// Another device restored from the recovery key.
    func restore(_ name: String) throws {
        let words = try String(contentsOf: root.appendingPathComponent("recovery.txt"), encoding: .utf8)
        try cli(name, ["restore", "--relay", relayURL, "--account", accountID, "--recovery-key-stdin", "--no-passphrase",
                       "--device-name", name], input: words)
    }

    func startDaemon(_ name: String, extra: [String] = []) throws {
        let process = try registry.start(Self.binary("twofoldd"),
                                         ["--home", home(name), "--poll-interval", "200ms", "--retry-max", "1s",
                                          "--snapshot-interval", "0", "--log-level", "info"] + extra,
                                         log: root.appendingPathComponent("\(name)-daemon.log"))
        daemons[name] = process
        try waitUntil("\(name)'s daemon answers", timeout: 20) { Self.canConnect(socket: self.home(name) + "/twofoldd.sock") }
    }

    func stopDaemon(_ name: String) {
        if let process = daemons.removeValue(forKey: name) { registry.stop(process) }
    }

    func crashDaemon(_ name: String) {
        if let process = daemons.removeValue(forKey: name) { registry.crash(process) }
    }

    // MARK: CLI

    @discardableResult
    func cli(_ name: String, _ args: [String], input: String = "", check: Bool = true) throws -> Output {
        let process = Process()
        process.executableURL = Self.binary("twofold")
        process.arguments = ["--home", home(name)] + args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TWOFOLD_HOME")
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                            stderr: String(decoding: err, as: UTF8.self))
        if check && output.status != 0 {
            throw Failure(description: "twofold \(args.joined(separator: " ")) on \(name) failed (\(output.status)): \(output.stderr)")
        }
        return output
    }

    func json(_ name: String, _ args: [String]) throws -> Any {
        let output = try cli(name, args)
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    }

    /// The device's tokens as `id → "issuer:account|note"`.
    func tokens(_ name: String) throws -> [String: String] {
        let list = try json(name, ["list", "--json"]) as? [[String: Any]] ?? []
        var out: [String: String] = [:]
        for token in list {
            out[token["id"] as? String ?? ""] = "\(token["issuer"] ?? ""):\(token["account"] ?? "")|\(token["note"] ?? "")"
        }
        return out
    }

    @discardableResult
    func add(_ name: String, issuer: String, account: String, secret: String = Cluster.randomSecret(), hotp: Bool = false) throws -> String {
        var args = ["add", "--issuer", issuer, "--account", account, "--secret", secret]
        if hotp { args += ["--type", "hotp"] }
        let output = try cli(name, args)
        guard let open = output.stdout.range(of: "(id "), let close = output.stdout[open.upperBound...].firstIndex(of: ")") else {
            throw Failure(description: "no id in '\(output.stdout)'")
        }
        return String(output.stdout[open.upperBound..<close])
    }

    static func randomSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<32).map { _ in alphabet.randomElement()! })
    }

    // MARK: Waiting

    func waitUntil(_ what: String, timeout: TimeInterval = 15, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            usleep(50_000)
        }
        if try condition() { return }
        throw Failure(description: "timed out after \(Int(timeout)) s waiting until \(what); logs in \(root.path)")
    }

    /// Waits until both devices hold the same tokens, and returns them.
    @discardableResult
    func waitForConvergence(_ a: String, _ b: String, timeout: TimeInterval = 20) throws -> [String: String] {
        var last: [String: String] = [:]
        try waitUntil("\(a) and \(b) hold the same tokens", timeout: timeout) {
            let ta = try tokens(a), tb = try tokens(b)
            last = ta
            return ta == tb
        }
        return last
    }

    // MARK: Sockets

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func canConnect(socket path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }
}

/// Runs a blocking test body (processes, sleeps) on its own thread, so that it does not
/// hold one of the few Swift concurrency threads that other tests' async code needs.
/// Expectations inside use ``check(_:_:sourceLocation:)`` and ``unwrap(_:sourceLocation:)``;
/// their failures are recorded against the test here, where the test's task runs.
func offPool(_ body: @escaping @Sendable () throws -> Void) async throws {
    let checks = Checks()
    let thrown: (any Error)? = await withCheckedContinuation { (continuation: CheckedContinuation<(any Error)?, Never>) in
        let thread = Thread {
            Thread.current.threadDictionary[Checks.key] = checks
            do {
                try body()
                continuation.resume(returning: nil)
            } catch {
                continuation.resume(returning: error)
            }
        }
        thread.start()
    }
    for failure in checks.failures {
        Issue.record(Comment(rawValue: failure.message), sourceLocation: failure.location)
    }
    if let thrown { throw thrown }
}

/// Failed checks of one ``offPool(_:)`` body.
final class Checks: @unchecked Sendable {
    static let key = "twofold.checks"
    private let lock = NSLock()
    private var recorded: [(message: String, location: SourceLocation)] = []

    var failures: [(message: String, location: SourceLocation)] { lock.withLock { recorded } }

    func fail(_ message: String, _ location: SourceLocation) { lock.withLock { recorded.append((message, location)) } }

    static var current: Checks? { Thread.current.threadDictionary[key] as? Checks }
}

/// `#expect` for ``offPool(_:)`` bodies.
func check(_ condition: @autoclosure () throws -> Bool, _ message: @autoclosure () -> String = "",
           sourceLocation: SourceLocation = #_sourceLocation) rethrows {
    guard try !condition() else { return }
    let text = "Expectation failed" + (message().isEmpty ? "" : ": " + message())
    if let checks = Checks.current { checks.fail(text, sourceLocation) } else { Issue.record(Comment(rawValue: text), sourceLocation: sourceLocation) }
}

/// `#require` of an optional for ``offPool(_:)`` bodies.
func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    guard let value else {
        throw Cluster.Failure(description: "required value was nil at \(sourceLocation.fileName):\(sourceLocation.line)")
    }
    return value
}

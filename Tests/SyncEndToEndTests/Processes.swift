import Foundation

/// The build products folder: the test bundle's own directory (any --scratch-path).
let productsDirectory: URL = {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("twofold-relay").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir
}()

/// A real `twofold-relay serve` on a free loopback port with a temporary data directory.
/// Stopped (SIGTERM, then SIGKILL) by ``stop()``; every test stops what it starts.
final class RelayProcess {
    let data: URL
    let port: Int
    private let process = Process()
    var url: String { "http://127.0.0.1:\(port)" }

    init(registration: String = "open", data: URL? = nil, port: Int? = nil, extraArguments: [String] = []) throws {
        self.data = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("twofold-e2e-relay-\(UUID().uuidString)")
        self.port = try port ?? Self.freePort()
        process.executableURL = productsDirectory.appendingPathComponent("twofold-relay")
        process.arguments = ["serve", "--data", self.data.path, "--listen", "127.0.0.1:\(self.port)",
                             "--registration", registration, "--log-level", "error"] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Up within 20 s, or the test fails.
        let deadline = Date().addingTimeInterval(20)
        while !Self.accepts(port: self.port) {
            guard Date() < deadline, process.isRunning else { stop(); throw RelayStartFailure() }
            usleep(50_000)
        }
    }

    struct RelayStartFailure: Error {}

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    func removeData() { try? FileManager.default.removeItem(at: data) }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// Runs the real `twofold` on one temporary home.
struct Device {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let home: URL

    init(_ name: String, root: URL) { home = root.appendingPathComponent(name) }

    @discardableResult
    func run(_ args: [String], input: String = "", environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("twofold")
        process.arguments = ["--home", home.path] + args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TWOFOLD_HOME")
        env.merge(environment) { _, new in new }
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
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// `list --json` as comparable lines.
    func tokens() throws -> [String] {
        let out = try run(["list", "--json"]).stdout
        let array = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return array.map { "\($0["issuer"] ?? ""):\($0["account"] ?? ""):\($0["note"] ?? "")" }.sorted()
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let out = try run(args).stdout
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
    }
}

/// A relay and a folder of device homes, cleaned up at the end.
final class Lab {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-e2e-\(UUID().uuidString)")
    let relay: RelayProcess

    /// A lab whose relay runs with `relaySettings` (config-file keys) over its defaults.
    init(relaySettings: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var arguments: [String] = []
        if !relaySettings.isEmpty {
            let config = root.appendingPathComponent("relay.conf")
            try relaySettings.map { "\($0.key) = \($0.value)\n" }.joined().write(to: config, atomically: true, encoding: .utf8)
            arguments = ["--config", config.path]
        }
        relay = try RelayProcess(extraArguments: arguments)
    }

    deinit {
        relay.stop()
        relay.removeData()
        try? FileManager.default.removeItem(at: root)
    }

    func device(_ name: String) -> Device { Device(name, root: root) }

    /// A creates the account (words to a file); B restores with them. Returns both and the words.
    func pair() throws -> (a: Device, b: Device, words: String, account: String) {
        let a = device("a"), b = device("b")
        let wordsFile = root.appendingPathComponent("words.txt").path
        let created = try a.run(["init", "--no-passphrase", "--relay", relay.url, "--recovery-key-file", wordsFile])
        precondition(created.status == 0, created.stderr)
        let words = try String(contentsOfFile: wordsFile, encoding: .utf8)
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        let restored = try b.run(["restore", "--relay", relay.url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                 input: words.uppercased().replacingOccurrences(of: " ", with: "   "))
        precondition(restored.status == 0, restored.stderr)
        return (a, b, words, account)
    }
}

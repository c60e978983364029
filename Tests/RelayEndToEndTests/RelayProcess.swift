import Foundation
import Testing

/// A real `twofold-relay` process on a loopback port with a temporary data directory.
/// Tests stop it (and remove the directory) also when they fail.
final class RelayProcess: @unchecked Sendable {
    static let binary: URL = {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("twofold-relay").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("twofold-relay")
    }()

    let dataDirectory: String
    private(set) var process: Process?
    private(set) var port = 0
    private let lock = NSLock()
    private var errText = ""

    init() {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-e2e-\(UUID().uuidString)").path
    }

    var log: String { lock.lock(); defer { lock.unlock() }; return errText }

    /// Starts `serve` and waits (at most 20 s) until it listens.
    func start(_ arguments: [String] = ["--registration", "open"], environment: [String: String] = [:]) throws {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["serve", "--data", dataDirectory, "--listen", "127.0.0.1:0"] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.errText += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        lock.lock(); errText = ""; lock.unlock()
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let range = log.range(of: "url=http://127.0.0.1:") {
                let digits = log[range.upperBound...].prefix { $0.isNumber }
                if let n = Int(digits) { port = n; return }
            }
            guard p.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw RelayProcessError("the relay did not start: \(log)")
    }

    /// Sends a signal and waits (bounded) for the process to end; returns its status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> Int32? {
        guard let p = process else { return nil }
        if p.isRunning { kill(p.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            process = nil
            return nil
        }
        process = nil
        return p.terminationStatus
    }

    /// Runs an admin command on the same data directory (or `data`); returns status and output.
    func admin(_ arguments: [String], data: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try Self.run(arguments + ["--data", data ?? dataDirectory], environment: environment)
    }

    /// Runs `twofold-relay arguments` to its end; returns status and output. Standard input
    /// is never a terminal, as in a script.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Stops the process if running and removes the data directory.
    func cleanUp() {
        stop(signal: SIGKILL, timeout: 5)
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    deinit { cleanUp() }
}

struct RelayProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

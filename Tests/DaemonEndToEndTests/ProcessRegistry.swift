import Foundation

/// Every process a test starts, so that each one is stopped when the test ends — also
/// when it fails or throws: `stopAll()` runs in `deinit`, and tests call it in `defer`.
final class ProcessRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Process] = []

    deinit { stopAll() }

    /// Starts `executable` with `arguments`, its output appended to `log`.
    func start(_ executable: URL, _ arguments: [String], log: URL, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TWOFOLD_HOME")
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.merge(environment) { $1 }
        process.environment = env
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        lock.withLock { processes.append(process) }
        return process
    }

    /// SIGTERM, then SIGKILL after `grace`, and waits for the exit.
    func stop(_ process: Process, grace: TimeInterval = 5) {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        lock.withLock { processes.removeAll { $0 === process } }
    }

    /// SIGKILL at once (a crash), and waits for the exit.
    func crash(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        lock.withLock { processes.removeAll { $0 === process } }
    }

    /// Stops everything still running.
    func stopAll() {
        let all = lock.withLock { processes }
        for process in all { stop(process, grace: 3) }
    }
}

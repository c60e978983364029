import Foundation

/// Runs the real `twofold` executable built beside this test bundle.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The build products folder: the test bundle's own directory (works for any --scratch-path).
    static let productsDirectory: URL = {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("twofold").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    static var binary: URL { productsDirectory.appendingPathComponent("twofold") }

    let home: URL

    init() {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-cli-test-\(UUID().uuidString)")
    }

    func cleanUp() { try? FileManager.default.removeItem(at: home) }

    /// Runs `twofold --home HOME args…` with `input` on standard input.
    @discardableResult
    func run(_ args: [String], input: String = "", withHome: Bool = true, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = (withHome ? ["--home", home.path] : []) + args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TWOFOLD_HOME")
        env.merge(environment) { $1 }
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

    /// Every file under the home with its bytes: proof that a failed command changed nothing.
    func snapshot() -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: home.path) else { return out }
        while let name = e.nextObject() as? String {
            let path = home.appendingPathComponent(name).path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[name] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }
}

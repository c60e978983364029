import Foundation
import TwofoldOTP

/// Another program this suite checks Twofold against (keepassxc-cli, otpclient-cli,
/// oathtool, python3), found on PATH and run with arguments and standard input.
struct ExternalTool {
    let path: String
    /// Variables set for every run, over the test's own environment.
    let environment: [String: String]

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The tool on PATH, or nil when it is not installed.
    init?(_ name: String, environment: [String: String] = [:]) {
        self.environment = environment
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = directories.lazy.map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile)
        else { return nil }
        path = found
    }

    static func installed(_ names: String...) -> Bool { names.allSatisfy { ExternalTool($0) != nil } }

    /// Runs the tool to completion. Standard input is written from a separate thread, so
    /// a tool that prints before reading cannot deadlock against us.
    @discardableResult
    func run(_ arguments: [String], input: String = "", environment: [String: String] = [:], expectSuccess: Bool = true)
        throws -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let variables = self.environment.merging(environment) { $1 }
        if !variables.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(variables) { $1 }
        }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = ThreadedRead(stderr.fileHandleForReading)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = Output(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: errorData.wait(), as: UTF8.self))
        if expectSuccess && output.status != 0 {
            let name = URL(fileURLWithPath: path).lastPathComponent
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// oathtool's TOTP code for `token` at `time` (oathtool takes 6–8 digits).
    static func oathtoolCode(_ token: OTPToken, at time: Int64) throws -> String {
        guard let oathtool = ExternalTool("oathtool") else { throw Failure(description: "oathtool is not installed") }
        let hex = token.secret.map { String(format: "%02x", $0) }.joined()
        let output = try oathtool.run([
            "--totp=\(token.algorithm.rawValue)", "-d", String(token.digits), "-s", String(token.period),
            "-N", "@\(time)", hex,
        ])
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Reads a pipe to its end on another thread.
private final class ThreadedRead: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

extension ExternalTool {
    /// oathtool's HOTP code at the token's counter (oathtool's HOTP is SHA1 only).
    static func oathtoolHOTP(_ token: OTPToken) throws -> String {
        guard let oathtool = ExternalTool("oathtool") else { throw Failure(description: "oathtool is not installed") }
        let hex = token.secret.map { String(format: "%02x", $0) }.joined()
        return try oathtool.run(["-d", String(token.digits), "-c", String(token.counter), hex]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import Foundation
import TwofoldOTP

/// Runs the real `keepassxc-cli` (Debian `keepassxc`) and `oathtool`, found on PATH, for
/// the KeePass interop tests.
enum KeePassXCTool {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func path(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").lazy
            .map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `name arguments` with `input` on standard input; returns standard output.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], input: String = "") throws -> Data {
        guard let path = path(name) else { throw Failure(description: "\(name) is not on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["QT_QPA_PLATFORM"] = "offscreen"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return output
    }

    /// oathtool's TOTP code for `token` at `time` (Unix seconds).
    static func oathtool(_ token: OTPToken, at time: Int) throws -> String {
        let hex = token.secret.map { String(format: "%02x", $0) }.joined()
        let mode = token.algorithm == .sha1 ? "sha1" : token.algorithm == .sha256 ? "sha256" : "sha512"
        let output = try run("oathtool", [
            "--totp=\(mode)", "-d", String(token.digits), "-s", "\(token.period)s",
            "-N", "@\(time)", hex,
        ])
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

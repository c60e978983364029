import CDaemonSupport
import Foundation

/// `doctor`'s NTP check: `timedatectl show -p NTPSynchronized --value` where `timedatectl`
/// exists (systemd). Without it, or when it cannot answer (no systemd, a container), the
/// check says it could not tell; that is a warning only when the clock is not known to
/// agree with the relay's.
enum NTPCheck {
    static let fix = "make sure a time service runs: 'sudo timedatectl set-ntp true' (systemd-timesyncd), or chrony or ntpd"

    /// `clockAgrees`: whether the relay measurement found the clock right (nil: not measured).
    static func run(clockAgrees: Bool?) -> DoctorFinding {
        guard let tool = executable(named: "timedatectl") else {
            return unknown("could not check NTP: timedatectl is not installed", clockAgrees: clockAgrees)
        }
        guard let answer = runTool(tool, ["show", "-p", "NTPSynchronized", "--value"]) else {
            return unknown("could not check NTP: timedatectl did not answer (no systemd here?)", clockAgrees: clockAgrees)
        }
        switch answer {
        case "yes":
            return .ok("ntp", "the system clock is synchronised by NTP")
        case "no":
            return .warn("ntp", "the system clock is not synchronised by NTP, so it can drift", fix: fix)
        default:
            return unknown("could not check NTP: timedatectl answered '\(answer.prefix(40))'", clockAgrees: clockAgrees)
        }
    }

    /// Without an answer from timedatectl the kernel still knows whether something
    /// disciplines its clock (adjtimex(2), read-only): a local vault's clock is checked too.
    static func unknown(_ message: String, clockAgrees: Bool?) -> DoctorFinding {
        switch twofold_clock_synchronised() {
        case 1: return .ok("ntp", message + "; the kernel reports the clock synchronised (adjtimex)")
        case 0: return .warn("ntp", message + "; the kernel reports the clock not synchronised (adjtimex), so it can drift", fix: fix)
        default: break
        }
        if clockAgrees == true { return .ok("ntp", message + "; the clock agrees with the relay's") }
        return .warn("ntp", message, fix: fix)
    }

    /// The first executable `name` on `$PATH`.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The tool's first output line, or nil when it fails or takes over 3 s.
    static func runTool(_ path: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }
}
